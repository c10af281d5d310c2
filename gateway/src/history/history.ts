import type { PlacedReading } from '@sensegrid/twin';
import { MINUTE_MS, minuteOf, type HistoryStore } from '../store/history-port.ts';
import type { ReadingStore, SeriesPoint, SeriesQuery } from '../store/port.ts';
import { minuteRuns, rollUpRegions, touchedMinutes, type PlacementOf } from './minute-rollup.ts';

/** A store that keeps minute aggregates offers them here (see store/history-port.ts). */
export type StoreWithHistory = ReadingStore & { readonly history?: HistoryStore };

/** At most one recomputation of the regions' minutes per this many ms. */
export const REGION_FLUSH_MS = 1000;
/** At start, the regions' minutes this far back from the newest device minute are recomputed. */
export const REPAIR_MINUTES = 15;

/** The history of one store: minute aggregates kept at write time, read for time travel. */
export interface History {
  /** The aggregates to read: region minutes that writes touched are recomputed first. */
  readonly aggregates: HistoryStore;
  /**
   * The store as the writer should see it: a write resolves once the raw readings and the
   * device minutes they touch are stored, so the write-ahead log moves on only then, and a
   * batch replayed after a crash recomputes the same aggregates. `querySeries` reads the
   * aggregates when its buckets are a minute or longer.
   */
  readonly store: ReadingStore;
  readonly placementOf: PlacementOf;
  /** Recomputes the region minutes that writes touched since the last recomputation. */
  flush(): Promise<void>;
  /** Stops the periodic recomputation (what is pending is recomputed at the next start). */
  stop(): void;
}

/**
 * Minute aggregates for a store that keeps them; undefined for one that does not.
 *
 * Device minutes are recomputed with every batch. A region minute depends on every device of
 * the region, so recomputing it per batch would read the whole minute of the city every time:
 * the minutes touched are collected and their regions recomputed at most once a second (and
 * before a write resolves when a second has passed). Should the gateway stop in between, the
 * regions of the last REPAIR_MINUTES are recomputed at the next start.
 */
export function createHistory(
  store: StoreWithHistory,
  placementOf: PlacementOf,
): History | undefined {
  const aggregates = store.history;
  if (!aggregates) return undefined;
  const dirty = new Set<number>();
  let repairPending = true;
  let lastFlushAt = 0;
  /** While the store refuses writes, the writer's retries carry the recomputation. */
  let storeFailing = false;
  let chain: Promise<void> = Promise.resolve();

  async function recompute(): Promise<void> {
    if (repairPending) {
      repairPending = false;
      const latest = await aggregates!.latestMinute();
      for (let i = 0; latest !== undefined && i <= REPAIR_MINUTES; i++) {
        dirty.add(latest - i * MINUTE_MS);
      }
    }
    if (dirty.size === 0) return;
    const minutes = [...dirty];
    dirty.clear();
    lastFlushAt = Date.now();
    try {
      for (const [first, last] of minuteRuns(minutes)) {
        const rows = await aggregates!.deviceMinutes(first, last);
        await aggregates!.writeRegionMinutes(rollUpRegions(rows, placementOf));
      }
    } catch (error) {
      for (const minute of minutes) dirty.add(minute);
      throw error;
    }
  }

  /** One recomputation at a time, in order. */
  function flush(): Promise<void> {
    const run = chain.then(recompute);
    chain = run.catch(() => undefined);
    return run;
  }

  const timer = setInterval(() => {
    const due = Date.now() - lastFlushAt >= REGION_FLUSH_MS;
    if ((dirty.size > 0 || repairPending) && due && !storeFailing) {
      flush().catch(() => undefined); // kept dirty; the next flush tries again
    }
  }, REGION_FLUSH_MS);
  timer.unref();

  async function querySeries(query: SeriesQuery): Promise<SeriesPoint[]> {
    const points = Math.floor(query.points);
    const stepMs = (query.to - query.from + 1) / Math.max(1, points);
    if (points < 1 || query.to < query.from || stepMs < MINUTE_MS) return store.querySeries(query);
    const fromMinutes = await seriesFromMinutes(aggregates!, query);
    // Readings stored before the store kept aggregates have none: read them raw.
    return fromMinutes.length > 0 ? fromMinutes : store.querySeries(query);
  }

  const wrapped: ReadingStore = {
    ...store,
    async write(readings: readonly PlacedReading[]) {
      try {
        await store.write(readings);
      } catch (error) {
        storeFailing = true;
        throw error;
      }
      storeFailing = false;
      const touched = touchedMinutes(readings);
      if (touched.size === 0) return;
      await aggregates.refreshDeviceMinutes(touched);
      for (const minutes of touched.values()) for (const minute of minutes) dirty.add(minute);
      if (Date.now() - lastFlushAt >= REGION_FLUSH_MS) await flush();
    },
    querySeries,
  };
  /** Before reading region minutes, recomputes those of them that writes touched. */
  async function settle(fromMinute: number, toMinute: number): Promise<void> {
    if (repairPending || [...dirty].some((m) => m >= fromMinute && m <= toMinute)) await flush();
  }
  const reading: HistoryStore = {
    ...aggregates,
    async regionMinutes(region, layer, fromMinute, toMinute) {
      await settle(fromMinute, toMinute);
      return aggregates.regionMinutes(region, layer, fromMinute, toMinute);
    },
    async regionsAt(minute) {
      await settle(minute, minute);
      return aggregates.regionsAt(minute);
    },
  };
  return {
    aggregates: reading,
    store: wrapped,
    placementOf,
    flush,
    stop: () => clearInterval(timer),
  };
}

/**
 * A series from minute aggregates: whole-minute buckets (the smallest whole number of minutes
 * that gives at most `points` buckets), starting at the minute that holds `from`; each bucket's
 * value is the mean of the raw values in it.
 */
export async function seriesFromMinutes(
  aggregates: HistoryStore,
  query: SeriesQuery,
): Promise<SeriesPoint[]> {
  const fromMinute = minuteOf(query.from);
  const toMinute = minuteOf(query.to);
  const minutes = (toMinute - fromMinute) / MINUTE_MS + 1;
  const bucketMs = Math.ceil(minutes / Math.floor(query.points)) * MINUTE_MS;
  return aggregates.deviceSeries(query.device, query.metric, fromMinute, toMinute, bucketMs);
}
