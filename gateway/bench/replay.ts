import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingWriter, replayRecording } from '@sensegrid/firmware-sim';
import type { PlacedReading } from '@sensegrid/twin';
import { startInfluxd } from '../test/harness/influxd.ts';
import { createInfluxStore } from '../src/store/influx.ts';
import type { ReadingStore } from '../src/store/port.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import { startChild } from './child.ts';
import { RawClient } from './raw-client.ts';

// npm run bench:replay — replay rate at --speed max into the gateway next to the same readings
// published by raw clients (the ingest path), pacing at --speed 10 next to plain timers, and
// history query latency (a week of one sensor at 1 Hz, downsampled to 1,000 points).
const READINGS = Number(process.env.BENCH_READINGS ?? 100_000);
const DEVICES = 100;
const work = await mkdtemp(join(tmpdir(), 'sensegrid-bench-replay-'));
const t0 = Date.now() - 7 * 86_400_000;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};
const payloadOf = (i: number) => {
  const seq = Math.floor(i / DEVICES) + 1;
  return JSON.stringify({ ts: t0 + seq * 1000, seq, values: { pm25: (i % 500) / 10 } });
};

async function storedPerSecond(
  run: (port: number) => Promise<void>,
  name: string,
): Promise<number> {
  const child = await startChild([
    'bin/sensegrid.mjs',
    'start',
    '--mqtt-port=0',
    '--http-port=0',
    '--allow-anonymous',
    `--data-dir=${join(work, name)}`,
    '--connects-per-sec=0',
    '--device-msgs-per-sec=0',
  ]);
  const started = performance.now();
  await run(child.ready.mqttPort);
  for (;;) {
    const text = await (await fetch(`http://127.0.0.1:${child.ready.httpPort}/metrics`)).text();
    if (Number(/^sensegrid_readings_stored_total (\d+)/m.exec(text)?.[1] ?? 0) >= READINGS) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  await child.stop();
  return READINGS / seconds;
}

// 1. Replay rate next to the ingest path.
const recording = join(work, 'load.ndjson.gz');
const writer = new RecordingWriter(recording, { createdAt: Date.now() });
for (let i = 0; i < READINGS; i++) {
  const message = {
    t: t0 + i,
    topic: `devices/replay-${i % DEVICES}/readings`,
    qos: 1 as const,
    retain: false,
    payload: Buffer.from(payloadOf(i)),
  };
  if (!writer.write(message)) await writer.drain();
}
await writer.close();
const ingestRate = await storedPerSecond(async (port) => {
  const clients = await Promise.all([0, 1, 2, 3].map((c) => RawClient.connect(port, `raw-${c}`)));
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = c; i < READINGS; i += 4) {
        await client.publish(
          `devices/replay-${i % DEVICES}/readings`,
          Buffer.from(payloadOf(i)),
          500,
        );
      }
      await client.settle();
      client.close();
    }),
  );
}, 'ingest');
const replayRate = await storedPerSecond(async (port) => {
  await replayRecording({ file: recording, url: `mqtt://127.0.0.1:${port}`, speed: 'max' });
}, 'replay');

// 2. Pacing at speed 10, next to plain timers asked for the same moments.
const paced = join(work, 'paced.ndjson.gz');
const pacedWriter = new RecordingWriter(paced, { createdAt: Date.now() });
const gaps: number[] = [];
let t = t0;
for (let i = 0; i < 1000; i++) {
  const gap = 20 + ((i * 37) % 80);
  gaps.push(gap);
  t += gap;
  pacedWriter.write({
    t,
    topic: 'devices/paced/readings',
    qos: 1,
    retain: false,
    payload: Buffer.from(String(i)),
  });
}
await pacedWriter.close();
const pacing = await (async () => {
  const child = await startChild([
    'bin/sensegrid.mjs',
    'start',
    '--mqtt-port=0',
    '--http-port=0',
    '--allow-anonymous',
    `--data-dir=${join(work, 'paced')}`,
  ]);
  const summary = await replayRecording({
    file: paced,
    url: `mqtt://127.0.0.1:${child.ready.mqttPort}`,
    speed: 10,
  });
  await child.stop();
  return summary.latenessMs!;
})();
const timerLateness: number[] = [];
let due = performance.now();
for (const gap of gaps) {
  due += gap / 10;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  timerLateness.push(performance.now() - due);
}

// 3. History: one sensor's week at 1 Hz, downsampled to 1,000 points.
async function historyLatency(store: ReadingStore): Promise<{ p50: number; p99: number }> {
  await store.init();
  const week = 7 * 86_400;
  for (let at = 0; at < week; at += 5000) {
    const batch: PlacedReading[] = [];
    for (let s = at; s < Math.min(week, at + 5000); s++) {
      batch.push({
        device: 'history-1',
        ts: t0 + s * 1000,
        values: { pm25: 20 + Math.sin(s / 3600) * 5 },
        tags: {},
      });
    }
    await store.write(batch);
  }
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    const points = await store.querySeries({
      device: 'history-1',
      metric: 'pm25',
      from: t0,
      to: t0 + week * 1000,
      points: 1000,
    });
    times.push(performance.now() - started);
    if (points.length === 0 || points.length > 1000)
      throw new Error(`history query returned ${points.length} points`);
  }
  await store.close();
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}
const sqliteHistory = await historyLatency(createSqliteStore(join(work, 'history.db')));
const influxd = await startInfluxd();
const influxHistory = await historyLatency(
  createInfluxStore({ url: influxd.url, database: 'history' }),
);
await influxd.stop();
await rm(work, { recursive: true, force: true });

const cpu = cpus();
console.log(`machine: ${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, node ${process.version}\n`);
console.log('| measure | figure | baseline in the same run |');
console.log('|---|---|---|');
console.log(
  `| replay --speed max into the gateway (SQLite), readings stored/s | ${Math.round(replayRate)} | raw MQTT clients, same readings (ingest path): ${Math.round(ingestRate)} |`,
);
console.log(
  `| replay --speed 10 pacing lateness p50 / p99 ms | ${pacing.p50.toFixed(2)} / ${pacing.p99.toFixed(2)} | plain setTimeout: ${percentile(timerLateness, 0.5).toFixed(2)} / ${percentile(timerLateness, 0.99).toFixed(2)} |`,
);
console.log(
  `| a week at 1 Hz to 1,000 points, SQLite p50 / p99 ms | ${sqliteHistory.p50.toFixed(1)} / ${sqliteHistory.p99.toFixed(1)} | |`,
);
console.log(
  `| a week at 1 Hz to 1,000 points, InfluxDB p50 / p99 ms | ${influxHistory.p50.toFixed(1)} / ${influxHistory.p99.toFixed(1)} | |`,
);
