import { createServer } from 'node:net';
import { Aedes } from 'aedes';

// The baseline of the ingest benchmark: a bare Aedes broker with default options.
const broker = await Aedes.createBroker();
const server = createServer(broker.handle);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(
    JSON.stringify({ msg: 'ready', mqttPort: typeof address === 'object' ? address?.port : 0 }),
  );
});
process.on('SIGTERM', () => {
  server.close();
  broker.close(() => process.exit(0));
});
