// Series read from the minute aggregates, and where they fall back to the raw points.
import type { PlacedReading } from '@sensegrid/twin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistory, type History, type StoreWithHistory } from '../src/history/history.ts';
import {
  MINUTE,
  T0,
  describeOnEveryStore,
  placementOf,
  readingsOver,
  sixMinutes,
  writeSixMinutes,
} from './history-fixtures.ts';

function describeHistory(name: string, makeStore: () => Promise<StoreWithHistory>) {
  describe(`minute aggregates (${name})`, () => {
    const six = sixMinutes();
    const { readings, from, to } = six;
    let store: StoreWithHistory;
    let history: History;
    beforeAll(async () => {
      store = await makeStore();
      await store.init();
      history = createHistory(store, placementOf)!;
      await writeSixMinutes(history, six);
    });
    afterAll(async () => {
      history?.stop();
      await store?.close();
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

describeOnEveryStore(describeHistory);
