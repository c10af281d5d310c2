import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startFleet } from '../src/fleet.ts';

// Drives a fleet against an Aedes broker in a child process and prints the achieved rate
// against the target rate (devices x readings per second per device) measured in this run.
const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    qos: { type: 'string', default: '1' },
    batch: { type: 'string', default: '1' },
  },
});
const devices = Number(values.devices);
const intervalMs = Number(values.interval);
const seconds = Number(values.seconds);
const qos = Number(values.qos) as 0 | 1;

const child = fork(new URL('./broker-process.ts', import.meta.url), {
  execArgv: ['--import', import.meta.resolve('tsx')],
});
const ask = <T>(proc: ChildProcess, message?: object): Promise<T> =>
  new Promise((resolve) => {
    proc.once('message', (reply) => resolve(reply as T));
    if (message) proc.send(message);
  });
const { port } = await ask<{ port: number }>(child);

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const connectStart = performance.now();
const fleet = await startFleet({
  url: `mqtt://127.0.0.1:${port}`,
  devices,
  intervalMs,
  qos,
  batch: Number(values.batch),
  connectConcurrency: 200,
});
const connectMs = performance.now() - connectStart;
await new Promise((resolve) => setTimeout(resolve, 1000));
const from = fleet.stats();
const cpuFrom = process.cpuUsage();
const t0 = performance.now();
lag.reset();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const to = fleet.stats();
const cpu = process.cpuUsage(cpuFrom);
const elapsedS = (performance.now() - t0) / 1000;
await fleet.stop();
const { received } = await ask<{ received: number }>(child, { type: 'count' });
child.send({ type: 'close' });

const target = (devices * 1000) / intervalMs;
const sentRate = (to.sent - from.sent) / elapsedS;
const ackedRate = (to.acked - from.acked) / elapsedS;
const final = fleet.stats();
console.log(
  [
    `devices ${devices}, interval ${intervalMs} ms, QoS ${qos}, ${seconds} s`,
    `connect all: ${connectMs.toFixed(0)} ms`,
    `target ${target.toFixed(0)} readings/s; sent ${sentRate.toFixed(0)}/s ` +
      `(${((100 * sentRate) / target).toFixed(1)}%), acked ${ackedRate.toFixed(0)}/s`,
    `simulator CPU ${(((cpu.user + cpu.system) / 1e6 / elapsedS) * 100).toFixed(0)}% of a core, ` +
      `event-loop delay p50 ${(lag.percentile(50) / 1e6).toFixed(1)} ms, ` +
      `p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms`,
    `total sent ${final.sent}, acked ${final.acked}, broker received ${received}, ` +
      `dropped ${final.dropped}, errors ${final.errors}`,
  ].join('\n'),
);
