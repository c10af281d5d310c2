import { cpus, freemem, totalmem } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInfluxd } from '../test/harness/influxd.ts';
import { NODE_FLAGS, startChild, type Child } from './child.ts';
import { RawClient } from './raw-client.ts';

// npm run bench:ingest — the same QoS 1 load into a bare Aedes broker (baseline: its pub/sub
// rate to one subscriber) and into the gateway with each store (readings stored per second).
const READINGS = Number(process.env.BENCH_READINGS ?? 200_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const DEVICES_PER_CLIENT = 25;
const WINDOW = Number(process.env.BENCH_WINDOW ?? 500);

interface Result {
  name: string;
  readings: number;
  seconds: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/** Publishes READINGS readings from CLIENTS raw clients; resolves with all PUBACK latencies. */
async function publishLoad(port: number, runId: string): Promise<number[]> {
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, (_, c) => RawClient.connect(port, `bench-${runId}-${c}`)),
  );
  const perClient = Math.ceil(READINGS / CLIENTS);
  const ts0 = Date.now() - 3_600_000;
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = 0; i < perClient && c * perClient + i < READINGS; i++) {
        const device = `bench-${runId}-${c}-${i % DEVICES_PER_CLIENT}`;
        const seq = Math.floor(i / DEVICES_PER_CLIENT) + 1;
        const payload = Buffer.from(
          `{"ts":${ts0 + seq * 10},"seq":${seq},"values":{"pm25":${(i % 500) / 10},"noise_db":${40 + (i % 30)}}}`,
        );
        await client.publish(`devices/${device}/readings`, payload, WINDOW);
      }
      await client.settle();
    }),
  );
  for (const client of clients) client.close();
  return clients.flatMap((client) => client.latenciesMs);
}

async function storedReadings(httpPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const match = /^sensegrid_readings_stored_total (\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
}

async function bare(): Promise<Result> {
  const broker = await startChild(['bin/run-ts.mjs', 'gateway/bench/bare-broker.ts']);
  try {
    const subscriber = await RawClient.connect(broker.ready.mqttPort, 'bench-subscriber');
    await subscriber.subscribe('devices/+/readings', 1);
    const allReceived = new Promise<void>((resolve) => {
      subscriber.onMessage = (count) => count >= READINGS && resolve();
    });
    const started = performance.now();
    const latencies = await publishLoad(broker.ready.mqttPort, 'bare');
    await allReceived;
    const seconds = (performance.now() - started) / 1000;
    subscriber.close();
    return summarize('bare Aedes, QoS 1 pub/sub to one subscriber', seconds, latencies);
  } finally {
    await broker.stop();
  }
}

async function gateway(name: string, runId: string, store: string | undefined): Promise<Result> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-bench-'));
  let child: Child | undefined;
  try {
    child = await startChild(
      [
        'bin/sensegrid.mjs',
        'start',
        '--mqtt-port=0',
        '--http-port=0',
        '--allow-anonymous',
        `--data-dir=${dataDir}`,
        ...(store ? [`--store=${store}`] : []),
      ],
      { SENSEGRID_LOG_LEVEL: 'info' },
    );
    const httpPort = child.ready.httpPort!;
    const started = performance.now();
    const latencies = await publishLoad(child.ready.mqttPort, runId);
    const deadline = Date.now() + 300_000;
    while ((await storedReadings(httpPort)) < READINGS) {
      if (Date.now() > deadline)
        throw new Error(`${name}: not everything was stored within 5 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    return summarize(name, seconds, latencies);
  } finally {
    await child?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function summarize(name: string, seconds: number, latencies: number[]): Result {
  latencies.sort((a, b) => a - b);
  return {
    name,
    readings: READINGS,
    seconds,
    rate: READINGS / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

const cpu = cpus();
console.log(
  `machine: ${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB ` +
    `(${(freemem() / 2 ** 30).toFixed(1)} free), node ${process.version}`,
);
console.log(`node flags of every process measured: ${NODE_FLAGS.join(' ')}`);
console.log(`load: ${READINGS} readings, ${CLIENTS} raw MQTT clients, QoS 1, window ${WINDOW}\n`);

const results: Result[] = [];
results.push(await bare());
results.push(await gateway('gateway + SQLite, stored', 'sqlite', undefined));
const influxd = await startInfluxd();
try {
  results.push(
    await gateway(
      'gateway + InfluxDB, stored',
      'influx',
      `influx://127.0.0.1:${influxd.port}/bench`,
    ),
  );
} finally {
  await influxd.stop();
}

const baseline = results[0]!.rate;
console.log('| run | readings/s | vs baseline | seconds | PUBACK p50 ms | PUBACK p99 ms |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.name} | ${Math.round(r.rate)} | ${(r.rate / baseline).toFixed(2)} | ${r.seconds.toFixed(2)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} |`,
  );
}
