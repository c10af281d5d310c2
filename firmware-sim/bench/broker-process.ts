import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

// A broker in its own process, so the benchmark measures the simulator and not Aedes.
const broker = await Aedes.createBroker();
let received = 0;
broker.on('publish', (packet) => {
  if (packet.topic.endsWith('/readings')) received++;
});
const server = net.createServer(broker.handle);
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'count') process.send?.({ received });
  if (message.type === 'close') broker.close(() => server.close(() => process.exit(0)));
});
