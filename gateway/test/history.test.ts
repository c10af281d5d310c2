import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlacedReading } from '@sensegrid/twin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistory, type History, type StoreWithHistory } from '../src/history/history.ts';
import type { HistoryPlacement } from '../src/history/minute-rollup.ts';
import type { DeviceMinute, RegionMinute } from '../src/store/history-port.ts';
import { createInfluxStore } from '../src/store/influx.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import { describeWithInfluxd } from './harness/influxd.ts';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const MINUTE = 60_000;

/** Three devices: two air sensors in district d1 (grid cells g1, g2), one noise sensor in d2. */
const PLACEMENTS: Record<string, HistoryPlacement> = {
  'air-1': { layer: 'air', regions: ['city', 'd1', 'g1', 'pol-1'] },
  'air-2': { layer: 'air', regions: ['city', 'd1', 'g2', 'pol-1'] },
  'noise-1': { layer: 'noise', regions: ['city', 'd2', 'g3', 'pol-2'] },
};
const placementOf = (device: string) => PLACEMENTS[device];

/** A deterministic spread of readings over `minutes` minutes, some devices every few seconds. */
function readingsOver(minutes: number): PlacedReading[] {
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
function bruteDeviceMinutes(readings: readonly PlacedReading[]): DeviceMinute[] {
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

function bruteRegionMinutes(readings: readonly PlacedReading[]): RegionMinute[] {
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
const sortDevices = byKey<DeviceMinute>((r) => `${r.device}/${r.metric}/${r.minute}`);
const sortRegions = byKey<RegionMinute>((r) => `${r.region}/${r.layer}/${r.metric}/${r.minute}`);
/** Sums of floats may differ in the last bits with the order of addition. */
const rounded = <T extends object>(rows: T[]): T[] =>
  rows.map(
    (row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [
          k,
          typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v,
        ]),
      ) as T,
  );

async function allRegionMinutes(
  history: History,
  from: number,
  to: number,
): Promise<RegionMinute[]> {
  const regions = [...new Set(Object.values(PLACEMENTS).flatMap((p) => p.regions))];
  const rows = await Promise.all(
    regions.map((region) => history.aggregates.regionMinutes(region, undefined, from, to)),
  );
  return rows.flat();
}

function describeHistory(name: string, makeStore: () => Promise<StoreWithHistory>) {
  describe(`minute aggregates (${name})`, () => {
    let store: StoreWithHistory;
    let history: History;
    beforeAll(async () => {
      store = await makeStore();
      await store.init();
      history = createHistory(store, placementOf)!;
    });
    afterAll(async () => {
      history?.stop();
      await store?.close();
    });

    const readings = readingsOver(6);
    const from = T0;
    const to = T0 + 5 * MINUTE;
    const late = readings.filter((r) => r.device === 'air-2' && r.ts < T0 + 2 * MINUTE);
    const onTime = readings.filter((r) => !late.includes(r));
    const corrected = { ...readings[3]!, values: { ...readings[3]!.values, pm25: 99.25 } };

    it('equal a recomputation from the raw readings, also when batches split minutes and arrive late', async () => {
      // Batches that cut minutes in the middle, one late batch for early minutes at the end.
      for (let i = 0; i < onTime.length; i += 37)
        await history.store.write(onTime.slice(i, i + 37));
      await history.store.write(late);
      // A corrected value for an existing (device, time) replaces the old one.
      await history.store.write([corrected]);
      await history.flush();
      const expected = [...readings, corrected];

      const devices = await history.aggregates.deviceMinutes(from, to);
      expect(rounded(sortDevices(devices))).toEqual(
        rounded(sortDevices(bruteDeviceMinutes(expected))),
      );
      const regions = await allRegionMinutes(history, from, to);
      expect(rounded(sortRegions(regions))).toEqual(
        rounded(sortRegions(bruteRegionMinutes(expected))),
      );
    });

    it('stay the same when a batch is written again (a replayed write-ahead log)', async () => {
      const before = sortDevices(await history.aggregates.deviceMinutes(from, to));
      const regionsBefore = sortRegions(await allRegionMinutes(history, from, to));
      // What the writer sent last, again: the late batch, the correction, later batches.
      await history.store.write(late);
      await history.store.write([corrected]);
      await history.store.write(onTime.slice(37, 200));
      await history.flush();
      expect(sortDevices(await history.aggregates.deviceMinutes(from, to))).toEqual(before);
      expect(sortRegions(await allRegionMinutes(history, from, to))).toEqual(regionsBefore);
    });

    it('keep late minutes in the journal until aggregated, also across a crash', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sensegrid-journal-'));
      const pendingFile = join(dir, 'pending.ndjson');
      const backfill = readingsOver(3).map((r) => ({ ...r, ts: r.ts + 60 * MINUTE }));
      try {
        const crashed = createHistory(store, placementOf, { pendingFile })!;
        await crashed.store.write(backfill); // resolves once the minutes are journaled
        expect(await readFile(pendingFile, 'utf8')).not.toBe('');
        await crashed.stop(); // gone before the timer aggregated them
        const after = createHistory(store, placementOf, { pendingFile })!;
        const devices = await after.aggregates.deviceMinutes(T0 + 60 * MINUTE, T0 + 62 * MINUTE);
        expect(rounded(sortDevices(devices))).toEqual(
          rounded(sortDevices(bruteDeviceMinutes(backfill))),
        );
        await after.flush();
        await after.stop();
        expect(await readFile(pendingFile, 'utf8')).toBe('');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('serve a series of whole-minute buckets as the mean of the raw values in them', async () => {
      const points = await history.store.querySeries({
        device: 'noise-1',
        metric: 'noise_db',
        from,
        to: to + MINUTE - 1,
        points: 3,
      });
      const raw = readings.filter(
        (r) => r.device === 'noise-1' && r.ts >= from && r.ts < to + MINUTE,
      );
      const mean = (list: PlacedReading[]) =>
        list.reduce((sum, r) => sum + r.values.noise_db!, 0) / list.length;
      // 6 minutes in at most 3 buckets: 2 minutes each.
      expect(points.map(([t]) => t)).toEqual([from, from + 2 * MINUTE, from + 4 * MINUTE]);
      points.forEach(([t, value]) => {
        expect(value).toBeCloseTo(mean(raw.filter((r) => r.ts >= t && r.ts < t + 2 * MINUTE)), 9);
      });
    });

    it('aggregate the minute under way once it is over, and at the next start after a stop', async () => {
      const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
      const now: PlacedReading[] = [0, 1, 2].map((i) => ({
        device: 'air-1',
        ts: minute + i * 10,
        values: { pm25: 30 + i },
        tags: {},
      }));
      const before = createHistory(store, placementOf)!;
      await before.flush(); // what a start recomputes
      await before.store.write(now);
      if (Date.now() < minute + MINUTE) {
        // Still under way: not aggregated with every batch.
        expect(await before.aggregates.deviceMinutes(minute, minute)).toEqual([]);
      }
      before.stop(); // the gateway stops before the minute is over
      const after = createHistory(store, placementOf)!;
      const devices = await after.aggregates.deviceMinutes(minute, minute);
      const regions = await after.aggregates.regionMinutes('d1', 'air', minute, minute);
      after.stop();
      expect(devices).toEqual(bruteDeviceMinutes(now));
      expect(rounded(regions)).toEqual(
        rounded(bruteRegionMinutes(now).filter((r) => r.region === 'd1')),
      );
    });

    it('read readings stored before the store kept aggregates from the raw points', async () => {
      const older = readingsOver(3).map((r) => ({
        ...r,
        device: 'air-old',
        ts: r.ts - 2 * 86_400_000,
      }));
      await store.write(older); // straight into the store: no aggregates
      const query = {
        device: 'air-old',
        metric: 'pm25',
        from: T0 - 2 * 86_400_000,
        to: T0 - 2 * 86_400_000 + 3 * MINUTE - 1,
        points: 3,
      };
      const points = await history.store.querySeries(query);
      expect(points).toHaveLength(3);
      expect(points).toEqual(await store.querySeries(query));
    });

    it('leave series finer than a minute to the raw points', async () => {
      const points = await history.store.querySeries({
        device: 'noise-1',
        metric: 'noise_db',
        from,
        to: from + MINUTE - 1,
        points: 100,
      });
      const raw = readings.filter((r) => r.device === 'noise-1' && r.ts < from + MINUTE);
      expect(points).toEqual(raw.map((r) => [r.ts, r.values.noise_db]));
    });
  });
}

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
