// What the minute-aggregate tests write and check against: readings, a recomputation, the stores.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlacedReading } from '@sensegrid/twin';
import { afterAll } from 'vitest';
import type { History, StoreWithHistory } from '../src/history/history.ts';
import type { HistoryPlacement } from '../src/history/minute-rollup.ts';
import type { DeviceMinute, RegionMinute } from '../src/store/history-port.ts';
import { createInfluxStore } from '../src/store/influx.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import { describeWithInfluxd } from './harness/influxd.ts';

export const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
export const MINUTE = 60_000;

/** Three devices: two air sensors in district d1 (grid cells g1, g2), one noise sensor in d2. */
export const PLACEMENTS: Record<string, HistoryPlacement> = {
  'air-1': { layer: 'air', regions: ['city', 'd1', 'g1', 'pol-1'] },
  'air-2': { layer: 'air', regions: ['city', 'd1', 'g2', 'pol-1'] },
  'noise-1': { layer: 'noise', regions: ['city', 'd2', 'g3', 'pol-2'] },
};
export const placementOf = (device: string) => PLACEMENTS[device];

/** A deterministic spread of readings over `minutes` minutes, some devices every few seconds. */
export function readingsOver(minutes: number): PlacedReading[] {
  const readings: PlacedReading[] = [];
  for (let s = 0; s < minutes * 60; s += 7) {
    readings.push({
      device: 'air-1',
      ts: T0 + s * 1000 + 13,
      values: { pm25: (s % 37) + 0.5, no2: s % 11 },
      tags: {},
    });
    if (s % 3 === 0)
      readings.push({
        device: 'air-2',
        ts: T0 + s * 1000 + 500,
        values: { pm25: 40 - (s % 23) },
        tags: {},
      });
    if (s % 5 === 0)
      readings.push({
        device: 'noise-1',
        ts: T0 + s * 1000,
        values: { noise_db: 50 + (s % 17) },
        tags: {},
      });
  }
  return readings;
}

/** Device-minute aggregates computed from the raw readings (the last write of a (device, ts) wins). */
export function bruteDeviceMinutes(readings: readonly PlacedReading[]): DeviceMinute[] {
  const latest = new Map<string, PlacedReading>();
  for (const reading of readings) latest.set(`${reading.device}@${reading.ts}`, reading);
  const rows = new Map<string, DeviceMinute & { lastTs: number }>();
  for (const reading of latest.values()) {
    for (const [metric, value] of Object.entries(reading.values)) {
      const minute = Math.floor(reading.ts / MINUTE) * MINUTE;
      const key = `${reading.device}/${metric}/${minute}`;
      const row = rows.get(key) ?? {
        device: reading.device,
        metric,
        minute,
        count: 0,
        sum: 0,
        min: Infinity,
        max: -Infinity,
        last: NaN,
        lastTs: -Infinity,
      };
      row.count++;
      row.sum += value;
      row.min = Math.min(row.min, value);
      row.max = Math.max(row.max, value);
      if (reading.ts > row.lastTs) {
        row.last = value;
        row.lastTs = reading.ts;
      }
      rows.set(key, row);
    }
  }
  return [...rows.values()].map(({ lastTs: _lastTs, ...row }) => row);
}

export function bruteRegionMinutes(readings: readonly PlacedReading[]): RegionMinute[] {
  const rows = new Map<string, RegionMinute>();
  for (const d of bruteDeviceMinutes(readings)) {
    const placement = placementOf(d.device)!;
    for (const region of placement.regions) {
      const key = `${region}/${placement.layer}/${d.metric}/${d.minute}`;
      const row = rows.get(key) ?? {
        region,
        layer: placement.layer,
        metric: d.metric,
        minute: d.minute,
        count: 0,
        sum: 0,
        min: Infinity,
        max: -Infinity,
        sensors: 0,
      };
      row.count += d.count;
      row.sum += d.sum;
      row.min = Math.min(row.min, d.min);
      row.max = Math.max(row.max, d.max);
      row.sensors++;
      rows.set(key, row);
    }
  }
  return [...rows.values()];
}

const byKey =
  <T extends { minute: number; metric: string }>(key: (row: T) => string) =>
  (rows: T[]) =>
    [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
export const sortDevices = byKey<DeviceMinute>((r) => `${r.device}/${r.metric}/${r.minute}`);
export const sortRegions = byKey<RegionMinute>(
  (r) => `${r.region}/${r.layer}/${r.metric}/${r.minute}`,
);
/** Sums of floats may differ in the last bits with the order of addition. */
export const rounded = <T extends object>(rows: T[]): T[] =>
  rows.map(
    (row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [
          k,
          typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v,
        ]),
      ) as T,
  );

/**
 * Six minutes of readings as the tests write them: `late` are air-2's first two minutes,
 * `onTime` the rest, `corrected` a new value for an existing (device, time).
 */
export function sixMinutes() {
  const readings = readingsOver(6);
  const from = T0;
  const to = T0 + 5 * MINUTE;
  const late = readings.filter((r) => r.device === 'air-2' && r.ts < T0 + 2 * MINUTE);
  const onTime = readings.filter((r) => !late.includes(r));
  const corrected = { ...readings[3]!, values: { ...readings[3]!.values, pm25: 99.25 } };
  return { readings, from, to, late, onTime, corrected };
}

/** Writes them as the writer would: batches that cut minutes in the middle, then late ones. */
export async function writeSixMinutes(
  history: History,
  { onTime, late, corrected }: ReturnType<typeof sixMinutes>,
): Promise<void> {
  for (let i = 0; i < onTime.length; i += 37) await history.store.write(onTime.slice(i, i + 37));
  await history.store.write(late);
  // A corrected value for an existing (device, time) replaces the old one.
  await history.store.write([corrected]);
  await history.flush();
}

/** Registers `describeHistory` on SQLite, and on InfluxDB where influxd is installed. */
export function describeOnEveryStore(
  describeHistory: (name: string, makeStore: () => Promise<StoreWithHistory>) => void,
): void {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  describeHistory('SQLite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sensegrid-history-'));
    dirs.push(dir);
    return createSqliteStore(join(dir, 'history.db'));
  });

  describeWithInfluxd('minute aggregates on InfluxDB', (influxd) => {
    describeHistory('InfluxDB', async () =>
      createInfluxStore({ url: influxd().url, database: 'history_test' }),
    );
  });
}
