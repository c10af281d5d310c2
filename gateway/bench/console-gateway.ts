import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoCity } from '@sensegrid/twin';
import { parseConfig } from '../src/config.ts';
import { buildGateway } from '../src/gateway.ts';
import { CONSOLE_DIR } from '../test/harness/console.ts';

// The gateway of `npm run bench:console`, in its own process so that the load generator does
// not share its event loop: a demo city of BENCH_BUILDINGS buildings and BENCH_SENSORS
// sensors, ports chosen by the OS, one JSON `ready` line, SIGTERM to stop.
const city = createDemoCity({
  buildings: Number(process.env.BENCH_BUILDINGS ?? 20_000),
  sensors: Number(process.env.BENCH_SENSORS ?? 10_000),
});
const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-bench-console-'));
const config = parseConfig({
  mqttPort: 0,
  httpPort: 0,
  allowAnonymous: true,
  // The benchmark's browser watches as a guest; signing in is not what it measures.
  openConsole: true,
  logLevel: 'silent',
  dataDir,
});
const gateway = buildGateway(config, { city, consoleDir: CONSOLE_DIR });
const ports = await gateway.start();
console.log(JSON.stringify({ msg: 'ready', ...ports }));
process.once('SIGTERM', async () => {
  const frames = gateway.twin.frames?.stats;
  await gateway.close();
  await rm(dataDir, { recursive: true, force: true });
  console.error(
    `gateway: ${frames?.frames ?? 0} frames, ${((frames?.bytes ?? 0) / 1e6).toFixed(1)} MB`,
  );
  process.exit(0);
});
