import type { PlacedReading } from '@sensegrid/twin';
import { MINUTE_MS, minuteOf, type HistoryStore } from '../store/history-port.ts';
import type { ReadingStore, SeriesPoint, SeriesQuery } from '../store/port.ts';
import { minuteRuns, rollUpRegions, touchedMinutes, type PlacementOf } from './minute-rollup.ts';

/** A store that keeps minute aggregates offers them here (see store/history-port.ts). */
export type StoreWithHistory = ReadingStore & { readonly history?: HistoryStore };

/** The history of one store: minute aggregates kept at write time, read for time travel. */
export interface History {
  readonly aggregates: HistoryStore;
  /**
   * The store as the writer should see it: a write resolves once the raw readings and the
   * minute aggregates they touch are stored, so the write-ahead log moves on only then, and
   * a batch replayed after a crash recomputes the same aggregates. `querySeries` reads the
   * aggregates when its buckets are a minute or longer.
   */
  readonly store: ReadingStore;
  readonly placementOf: PlacementOf;
}

/** Minute aggregates for a store that keeps them; undefined for one that does not. */
export function createHistory(
  store: StoreWithHistory,
  placementOf: PlacementOf,
): History | undefined {
  const aggregates = store.history;
  if (!aggregates) return undefined;

  async function rollUp(readings: readonly PlacedReading[]): Promise<void> {
    const touched = touchedMinutes(readings);
    if (touched.size === 0) return;
    await aggregates!.refreshDeviceMinutes(touched);
    const minutes = [...touched.values()].flatMap((set) => [...set]);
    for (const [first, last] of minuteRuns(minutes)) {
      const rows = await aggregates!.deviceMinutes(first, last);
      await aggregates!.writeRegionMinutes(rollUpRegions(rows, placementOf));
    }
  }

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
    async write(readings) {
      await store.write(readings);
      await rollUp(readings);
    },
    querySeries,
  };
  return { aggregates, store: wrapped, placementOf };
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
