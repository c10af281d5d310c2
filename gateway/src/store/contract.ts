import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlacedReading, Placement } from '@sensegrid/twin';
import type { ReadingStore } from './port.ts';

/** 2025-11-29T07:06:40Z, a round epoch in milliseconds that every test builds on. */
export const T0 = 1_764_400_000_000;

const PLACED: Placement = { district: 'Harbour', grid: 'g-12-07', layer: 'air' };

/** `count` readings of one device, `stepMs` apart from `start`, seq 0.., values from `valuesAt`. */
export function makeReadings(
  device: string,
  count: number,
  options: {
    start?: number;
    stepMs?: number;
    tags?: Placement;
    valuesAt?: (i: number) => Record<string, number>;
  } = {},
): PlacedReading[] {
  const { start = T0, stepMs = 1000, tags = PLACED } = options;
  const valuesAt = options.valuesAt ?? ((i: number) => ({ pm25: i / 4 }));
  return Array.from({ length: count }, (_, i) => ({
    device,
    ts: start + i * stepMs,
    seq: i,
    values: valuesAt(i),
    tags,
  }));
}

function withoutTags({ device, ts, seq, values }: PlacedReading) {
  return seq === undefined ? { device, ts, values } : { device, ts, seq, values };
}

/**
 * The behaviour every ReadingStore adapter shares. `make` returns a fresh, empty store for each
 * test; the suite calls init() and close().
 */
export function describeReadingStore(name: string, make: () => Promise<ReadingStore>): void {
  describe(`the ${name} reading store contract`, () => {
    let store: ReadingStore;

    beforeEach(async () => {
      store = await make();
      await store.init();
    });
    afterEach(async () => {
      await store?.close();
    });

    it('can be initialised again on an existing store', async () => {
      await store.write(makeReadings('air-0001', 3));
      await store.init();
      expect(await store.scan('air-0001', T0, T0 + 10_000)).toHaveLength(3);
    });

    it('returns what was written, with values, seq and timestamps', async () => {
      const readings = makeReadings('air-0001', 20, {
        valuesAt: (i) => ({ pm25: 12.3 + i, no2: -4.25 * (i + 1) }),
      });
      await store.write(readings);
      expect(await store.scan('air-0001', T0, T0 + 19_000)).toEqual(readings.map(withoutTags));
    });

    it('stores a batch written twice only once', async () => {
      const readings = makeReadings('air-0001', 50);
      await store.write(readings);
      await store.write(readings);
      expect(await store.scan('air-0001', T0, T0 + 60_000)).toHaveLength(50);
      const series = await store.querySeries({
        device: 'air-0001',
        metric: 'pm25',
        from: T0,
        to: T0 + 60_000,
        points: 1000,
      });
      expect(series).toHaveLength(50);
    });

    it('overwrites a value written again for the same device, time and metric', async () => {
      await store.write(makeReadings('air-0001', 1, { valuesAt: () => ({ pm25: 1 }) }));
      await store.write(makeReadings('air-0001', 1, { valuesAt: () => ({ pm25: 2 }) }));
      const [reading] = await store.scan('air-0001', T0, T0);
      expect(reading?.values).toEqual({ pm25: 2 });
    });

    it('keeps the last of readings repeated within one batch, whatever the batch size', async () => {
      // Writers may send rows in groups; order inside a batch must still decide who wins.
      for (const size of [1, 63, 64, 65, 200]) {
        const device = `again-${size}`;
        const first = makeReadings(device, size, { valuesAt: () => ({ pm25: 1 }) });
        const second = makeReadings(device, size, { valuesAt: (i) => ({ pm25: 2 + i }) });
        const unsequenced = second.map(({ seq: _seq, ...reading }) => reading);
        await store.write([...first, ...unsequenced]);
        const scanned = await store.scan(device, T0, T0 + size * 1000);
        expect(scanned.map((reading) => reading.values.pm25)).toEqual(
          second.map((reading) => reading.values.pm25),
        );
        // A repeat without seq keeps the seq it was first stored with.
        expect(scanned.map((reading) => reading.seq)).toEqual(first.map((reading) => reading.seq));
      }
    });

    it('keeps every metric of a reading, also when they arrive in separate writes', async () => {
      await store.write([
        { device: 'multi-1', ts: T0, seq: 7, values: { pm25: 1.5, pm10: 3, no2: 40.25 }, tags: {} },
      ]);
      await store.write([{ device: 'multi-1', ts: T0, values: { o3: 61 }, tags: {} }]);
      expect(await store.scan('multi-1', T0, T0)).toEqual([
        { device: 'multi-1', ts: T0, seq: 7, values: { pm25: 1.5, pm10: 3, no2: 40.25, o3: 61 } },
      ]);
    });

    it('stores readings with and without placement tags', async () => {
      await store.write([
        { device: 'tagged', ts: T0, seq: 1, values: { noise_db: 54.2 }, tags: PLACED },
        { device: 'bare', ts: T0, seq: 1, values: { noise_db: 60.5 }, tags: {} },
        { device: 'partly', ts: T0, values: { noise_db: 48 }, tags: { layer: 'noise' } },
      ]);
      expect(await store.scan('tagged', T0, T0)).toEqual([
        { device: 'tagged', ts: T0, seq: 1, values: { noise_db: 54.2 } },
      ]);
      expect(await store.scan('bare', T0, T0)).toEqual([
        { device: 'bare', ts: T0, seq: 1, values: { noise_db: 60.5 } },
      ]);
      expect(await store.scan('partly', T0, T0)).toEqual([
        { device: 'partly', ts: T0, values: { noise_db: 48 } },
      ]);
    });

    it('keeps small, large and negative values exactly', async () => {
      const values = { a: 1e-7, b: 123_456.789, c: -0.5, d: 0, e: 1e21, f: 3 };
      await store.write([{ device: 'odd-values', ts: T0, values, tags: {} }]);
      expect((await store.scan('odd-values', T0, T0))[0]?.values).toEqual(values);
    });

    it('returns a series in time order, only inside the inclusive range', async () => {
      const readings = makeReadings('air-0001', 30, { valuesAt: (i) => ({ pm25: i }) });
      await store.write([...readings].reverse());
      const series = await store.querySeries({
        device: 'air-0001',
        metric: 'pm25',
        from: T0 + 5_000,
        to: T0 + 14_000,
        points: 100,
      });
      expect(series).toEqual(Array.from({ length: 10 }, (_, i) => [T0 + (5 + i) * 1000, 5 + i]));
    });

    it('averages into at most `points` equal time buckets when there are more raw points', async () => {
      const readings = makeReadings('air-0001', 1000, { valuesAt: (i) => ({ pm25: i }) });
      await store.write(readings);
      const series = await store.querySeries({
        device: 'air-0001',
        metric: 'pm25',
        from: T0,
        to: T0 + 999_999,
        points: 10,
      });
      // 1,000,000 ms in 10 buckets of 100,000 ms: bucket k averages values 100k .. 100k+99.
      expect(series).toEqual(
        Array.from({ length: 10 }, (_, k) => [T0 + k * 100_000, k * 100 + 49.5]),
      );
      const mean = series.reduce((sum, [, v]) => sum + v, 0) / series.length;
      expect(mean).toBeCloseTo(499.5, 9);
    });

    it('never returns more than `points` points, whatever the range', async () => {
      await store.write(makeReadings('air-0001', 997, { stepMs: 733 }));
      for (const points of [1, 3, 7, 96, 500]) {
        const series = await store.querySeries({
          device: 'air-0001',
          metric: 'pm25',
          from: T0 - 12_345,
          to: T0 + 997 * 733 + 999,
          points,
        });
        expect(series.length).toBeGreaterThan(0);
        expect(series.length).toBeLessThanOrEqual(points);
        const times = series.map(([t]) => t);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(times[0]).toBeGreaterThanOrEqual(T0 - 12_345);
      }
    });

    it('returns nothing for an empty range, an unknown device or an unknown metric', async () => {
      await store.write(makeReadings('air-0001', 10));
      const query = { device: 'air-0001', metric: 'pm25', from: T0 + 60_000, to: T0 + 90_000 };
      expect(await store.querySeries({ ...query, points: 10 })).toEqual([]);
      expect(await store.querySeries({ ...query, device: 'nobody', from: T0, points: 10 })).toEqual(
        [],
      );
      expect(await store.querySeries({ ...query, metric: 'o3', from: T0, points: 10 })).toEqual([]);
      expect(await store.scan('air-0001', T0 + 60_000, T0 + 90_000)).toEqual([]);
      expect(await store.scan('nobody', T0, T0 + 90_000)).toEqual([]);
    });

    it("does not leak other devices' data", async () => {
      await store.write([
        ...makeReadings('air-1', 5, { valuesAt: () => ({ pm25: 1 }) }),
        ...makeReadings('air-10', 5, { valuesAt: () => ({ pm25: 10 }) }),
        ...makeReadings('air-1.b', 5, { valuesAt: () => ({ pm25: 100 }) }),
      ]);
      const scanned = await store.scan('air-1', T0, T0 + 10_000);
      expect(scanned.map((reading) => reading.values.pm25)).toEqual([1, 1, 1, 1, 1]);
      const series = await store.querySeries({
        device: 'air-10',
        metric: 'pm25',
        from: T0,
        to: T0 + 10_000,
        points: 1,
      });
      expect(series).toEqual([[T0, 10]]);
    });

    it('stores every reading of a large batch exactly once', async () => {
      const readings = [
        ...makeReadings('bulk-a', 6_000, { stepMs: 10 }),
        ...makeReadings('bulk-b', 6_000, {
          stepMs: 10,
          valuesAt: (i) => ({ pm25: i, pm10: 2 * i }),
        }),
      ];
      await store.write(readings);
      for (const device of ['bulk-a', 'bulk-b']) {
        const scanned = await store.scan(device, T0, T0 + 60_000);
        expect(scanned).toHaveLength(6_000);
        expect(new Set(scanned.map((reading) => reading.seq)).size).toBe(6_000);
      }
    });

    it('keeps alert points once per tags and time and reads them back by time range', async () => {
      const point = {
        ts: T0,
        department: 'water-utility',
        layer: 'water',
        region: 'd-1',
        severity: 'major',
        state: 'discovered',
        alert: 'inc-000001',
        members: 3,
        devices: 2,
        score: 0.85,
      };
      const dispatched = { ...point, ts: T0 + 1000, state: 'dispatched' };
      await store.writeAlertPoints([point, dispatched]);
      await store.writeAlertPoints([{ ...point, members: 4 }]);
      expect(await store.alertPoints(T0, T0 + 1000)).toEqual([
        { ...point, members: 4 },
        dispatched,
      ]);
      expect(await store.alertPoints(T0 + 1, T0 + 999)).toEqual([]);
    });

    it('reports itself healthy', async () => {
      const health = await store.health();
      expect(health.ok).toBe(true);
      expect(health.target.startsWith(store.kind)).toBe(true);
    });
  });
}
