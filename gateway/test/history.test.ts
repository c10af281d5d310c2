import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlacedReading } from '@sensegrid/twin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistory, type History, type StoreWithHistory } from '../src/history/history.ts';
import type { RegionMinute } from '../src/store/history-port.ts';
import {
  MINUTE,
  PLACEMENTS,
  T0,
  bruteDeviceMinutes,
  bruteRegionMinutes,
  describeOnEveryStore,
  placementOf,
  readingsOver,
  rounded,
  sixMinutes,
  sortDevices,
  sortRegions,
} from './history-fixtures.ts';

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

    const { readings, from, to, late, onTime, corrected } = sixMinutes();

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
  });
}

describeOnEveryStore(describeHistory);
