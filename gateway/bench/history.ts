import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInfluxd } from '../test/harness/influxd.ts';
import { createHistory, type History, type StoreWithHistory } from '../src/history/history.ts';
import { aggregateSamples } from '../src/history/minute-rollup.ts';
import { regionHistory, twinAt } from '../src/history/time-travel.ts';
import { createInfluxStore } from '../src/store/influx.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import {
  benchPlacement,
  DAY_MS,
  fillHistory,
  fillRaw,
  MINUTE_MS,
  REGION,
  regionSensorIds,
  WEEK_S,
  WEEK_SENSOR,
} from './history-data.ts';

// npm run bench:history — history queries for time travel, each next to what the same answer
// costs from raw points in the same run:
//  (a) one region's rollups for a day at 1-minute resolution (baseline: the region's sensors'
//      raw points of the day, aggregated per minute);
//  (b) one sensor's week at 1 Hz downsampled to 1,000 points (baseline: the raw-points query);
//  (c) the twin at a past time (baseline: every sensor's raw points of the 5 minutes before).
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const work = await mkdtemp(join(tmpdir(), 'sensegrid-bench-history-'));
const weekFrom = Math.floor((Date.now() - 8 * DAY_MS) / MINUTE_MS) * MINUTE_MS;
const dayFrom = Math.floor((Date.now() - 2 * DAY_MS) / MINUTE_MS) * MINUTE_MS;
const at = dayFrom + 13 * 3600_000 + 20_000;

interface Timing {
  p50: number;
  p99: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};

async function time(run: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

/** The region's day per minute from raw points: what the aggregates save. */
async function regionDayFromRaw(store: StoreWithHistory): Promise<number> {
  const members = regionSensorIds().filter((id) => benchPlacement(id)!.regions.includes(REGION));
  let rows = 0;
  for (const device of members) {
    const readings = await store.scan(device, dayFrom, dayFrom + DAY_MS - 1);
    const samples = readings.flatMap((r) =>
      Object.entries(r.values).map(([metric, value]) => ({ metric, ts: r.ts, value })),
    );
    rows += aggregateSamples(device, samples).length;
  }
  return rows;
}

async function twinFromRaw(store: StoreWithHistory): Promise<number> {
  let readings = 0;
  for (const device of [WEEK_SENSOR, ...regionSensorIds()]) {
    readings += (await store.scan(device, at - 5 * MINUTE_MS, at)).length;
  }
  return readings;
}

/** Seconds to write the bench's readings straight into a fresh store, without aggregates. */
async function rawFillSeconds(store: StoreWithHistory): Promise<number> {
  await store.init();
  const started = performance.now();
  await fillRaw(store, weekFrom, dayFrom);
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return seconds;
}

async function measure(store: StoreWithHistory, rawStore: StoreWithHistory) {
  const rawSeconds = await rawFillSeconds(rawStore);
  await store.init();
  const history = createHistory(store, benchPlacement) as History;
  const filling = performance.now();
  await fillHistory(history, weekFrom, dayFrom);
  const fillSeconds = (performance.now() - filling) / 1000;
  const week = {
    device: WEEK_SENSOR,
    metric: 'pm25',
    from: weekFrom,
    to: weekFrom + WEEK_S * 1000 - 1,
    points: 1000,
  };
  const checkWeek = (points: unknown[]) => {
    if (points.length === 0 || points.length > 1000)
      throw new Error(`week: ${points.length} points`);
  };
  const region = { region: REGION, from: dayFrom, to: dayFrom + DAY_MS - 1, stepMs: MINUTE_MS };
  const figures = {
    fillSeconds,
    rawSeconds,
    regionDay: await time(async () => {
      const steps = await regionHistory(history.aggregates, region);
      if (steps.length !== 1440) throw new Error(`region day: ${steps.length} steps`);
    }),
    regionDayRaw: await time(() => regionDayFromRaw(store)),
    week: await time(async () => checkWeek(await history.store.querySeries(week))),
    weekRaw: await time(async () => checkWeek(await store.querySeries(week))),
    twin: await time(() =>
      twinAt(
        {
          aggregates: history.aggregates,
          placementOf: benchPlacement,
          sensorIds: () => [WEEK_SENSOR, ...regionSensorIds()],
        },
        at,
      ),
    ),
    twinRaw: await time(() => twinFromRaw(store)),
  };
  await store.close();
  return figures;
}

const loadBefore = loadavg()[0]!;
const sqlite = await measure(
  createSqliteStore(join(work, 'history.db')),
  createSqliteStore(join(work, 'raw.db')),
);
const influxd = await startInfluxd();
const influx = await measure(
  createInfluxStore({ url: influxd.url, database: 'history' }),
  createInfluxStore({ url: influxd.url, database: 'raw' }),
);
await influxd.stop();
await rm(work, { recursive: true, force: true });
const loadAfter = loadavg()[0]!;

const cpu = cpus();
const ms = (t: Timing) => `${t.p50.toFixed(1)} / ${t.p99.toFixed(1)}`;
console.log(`machine: ${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log(`load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
const readings = WEEK_S + (regionSensorIds().length * DAY_MS) / 30_000;
const perSecond = (seconds: number) => `${Math.round(readings / seconds)} readings/s`;
console.log(
  `data: one sensor's week at 1 Hz and ${regionSensorIds().length} sensors every 30 s for a ` +
    `day (${readings} readings) in batches of 5,000\n`,
);
console.log(
  '| writing, with minute aggregates | SQLite | InfluxDB | baseline: raw readings only, SQLite | InfluxDB |',
);
console.log('|---|---|---|---|---|');
console.log(
  `| readings stored per second | ${perSecond(sqlite.fillSeconds)} | ${perSecond(influx.fillSeconds)} | ${perSecond(sqlite.rawSeconds)} | ${perSecond(influx.rawSeconds)} |\n`,
);
console.log(
  '| query, p50 / p99 ms | SQLite | InfluxDB | baseline from raw points: SQLite | InfluxDB |',
);
console.log('|---|---|---|---|---|');
console.log(
  `| (a) one region's rollups for a day at 1-minute resolution | ${ms(sqlite.regionDay)} | ${ms(influx.regionDay)} | ${ms(sqlite.regionDayRaw)} | ${ms(influx.regionDayRaw)} |`,
);
console.log(
  `| (b) one sensor's week at 1 Hz to 1,000 points | ${ms(sqlite.week)} | ${ms(influx.week)} | ${ms(sqlite.weekRaw)} | ${ms(influx.weekRaw)} |`,
);
console.log(
  `| (c) the twin at a past time (${regionSensorIds().length + 1} sensors) | ${ms(sqlite.twin)} | ${ms(influx.twin)} | ${ms(sqlite.twinRaw)} | ${ms(influx.twinRaw)} |`,
);
