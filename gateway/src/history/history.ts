import type { PlacedReading } from '@sensegrid/twin';
import { MINUTE_MS, minuteOf, type HistoryStore } from '../store/history-port.ts';
import type { ReadingStore, SeriesPoint, SeriesQuery } from '../store/port.ts';
import { minuteRuns, rollUpRegions, touchedMinutes, type PlacementOf } from './minute-rollup.ts';
import { PendingJournal, type PendingMinute } from './pending-journal.ts';

/** A store that keeps minute aggregates offers them here (see store/history-port.ts). */

/** Which pending minutes an aggregation takes (see aggregate()). */
type Which = 'all' | 'over' | 'settled';
export type StoreWithHistory = ReadingStore & { readonly history?: HistoryStore };

/** A minute is aggregated once it has been over for this long (late readings reopen it). */
export const CLOSE_GRACE_MS = 5_000;
/**
 * In the background, a minute that is over is aggregated once writes have left it alone this
 * long, or once it has waited QUIET_MAX_WAIT_MS: a replay or a backlog that keeps touching the
 * same late minutes has them recomputed a few times, not with every batch. Reads do not wait.
 */
export const QUIET_MS = 2_000;
export const QUIET_MAX_WAIT_MS = 10_000;
/** At start, the minutes this far around the newest aggregate and now are recomputed. */
export const REPAIR_MINUTES = 15;

/** The history of one store: minute aggregates kept at write time, read for time travel. */
export interface History {
  /** The aggregates to read: minutes that writes touched and that are over are computed first. */
  readonly aggregates: HistoryStore;
  /**
   * The store as the writer should see it: a write resolves once the raw readings and the
   * aggregates of the minutes it touched that are already over are stored, so the write-ahead
   * log moves on only then, and a batch replayed after a crash recomputes the same aggregates.
   * `querySeries` reads the aggregates when its buckets are a minute or longer.
   */
  readonly store: ReadingStore;
  readonly placementOf: PlacementOf;
  /** Aggregates every minute writes touched now, also the one still under way. */
  flush(): Promise<void>;
  /** Stops the periodic aggregation (what is pending is recomputed at the next start). */
  stop(): Promise<void>;
}

export interface HistoryOptions {
  /**
   * Where the minutes that writes touched after they were over wait for their aggregation.
   * With it, such a write resolves once they are recorded there (an fsync), and they are
   * aggregated in the background (see QUIET_MS) or before a read that needs them; without it,
   * the write waits for their aggregation.
   */
  pendingFile?: string;
}

/**
 * Minute aggregates for a store that keeps them; undefined for one that does not.
 *
 * A minute is aggregated from the stored raw readings once it is over (CLOSE_GRACE_MS after its
 * end), once: the minute under way is not recomputed with every batch. Readings for a minute
 * that is over (late ones, a replayed log, a recording) are aggregated before their write
 * resolves. The minutes still under way when the gateway stops are recomputed at the next
 * start: those around the newest aggregate and the last REPAIR_MINUTES.
 */
export function createHistory(
  store: StoreWithHistory,
  placementOf: PlacementOf,
  options: HistoryOptions = {},
): History | undefined {
  const aggregates = store.history;
  if (!aggregates) return undefined;
  const journal = options.pendingFile ? PendingJournal.load(options.pendingFile) : undefined;
  /** Minute start -> devices with readings in it not yet aggregated. */
  const pending = new Map<number, Set<string>>();
  /** Minute start -> when a write first and last touched it since it was last aggregated. */
  const touches = new Map<number, { first: number; last: number }>();
  let repairPending = true;
  /** While the store refuses writes, the writer's retries carry the aggregation. */
  let storeFailing = false;
  let chain: Promise<void> = Promise.resolve();
  const isOver = (minute: number, now: number) => minute + MINUTE_MS + CLOSE_GRACE_MS <= now;
  /** Over, and left alone by writes long enough (or waiting too long) to aggregate unasked. */
  const isSettled = (minute: number, now: number) => {
    const touched = touches.get(minute);
    return (
      isOver(minute, now) &&
      (!touched || now - touched.last >= QUIET_MS || now - touched.first >= QUIET_MAX_WAIT_MS)
    );
  };

  /** Recomputes the minutes that may have been under way when the gateway last stopped. */
  async function repair(): Promise<void> {
    const now = minuteOf(Date.now());
    const latest = (await aggregates!.latestMinute()) ?? now;
    const ranges: [number, number][] = [
      [latest - MINUTE_MS, latest + REPAIR_MINUTES * MINUTE_MS],
      [now - REPAIR_MINUTES * MINUTE_MS, now],
    ].sort((a, b) => a[0]! - b[0]!) as [number, number][];
    if (ranges[1]![0] <= ranges[0]![1] + MINUTE_MS) {
      ranges[0]![1] = Math.max(ranges[0]![1], ranges[1]![1]);
      ranges.pop();
    }
    for (const [first, last] of ranges) {
      await aggregates!.refreshRecentMinutes(first, last);
      await rollUpMinutes(first, last);
    }
    repairPending = false;
  }

  async function rollUpMinutes(first: number, last: number): Promise<void> {
    const rows = await aggregates!.deviceMinutes(first, last);
    await aggregates!.writeRegionMinutes(rollUpRegions(rows, placementOf));
  }

  /**
   * Aggregates the pending minutes that are over: all of them with 'all', those writes have
   * left alone with 'settled'.
   */
  async function aggregate(which: Which): Promise<void> {
    if (repairPending) await repair();
    const now = Date.now();
    const touched = new Map<string, Set<number>>();
    const minutes: number[] = [];
    for (const [minute, devices] of pending) {
      if (which === 'over' && !isOver(minute, now)) continue;
      if (which === 'settled' && !isSettled(minute, now)) continue;
      pending.delete(minute);
      touches.delete(minute);
      minutes.push(minute);
      for (const device of devices) {
        let set = touched.get(device);
        if (!set) touched.set(device, (set = new Set()));
        set.add(minute);
      }
    }
    if (minutes.length === 0) return;
    try {
      await aggregates!.refreshDeviceMinutes(touched);
      for (const [first, last] of minuteRuns(minutes)) await rollUpMinutes(first, last);
      await journal?.done(
        [...touched].flatMap(([device, set]) => [...set].map((m): PendingMinute => [device, m])),
      );
    } catch (error) {
      for (const [device, set] of touched) for (const minute of set) markPending(device, minute);
      throw error;
    }
  }

  function markPending(device: string, minute: number): void {
    let devices = pending.get(minute);
    if (!devices) pending.set(minute, (devices = new Set()));
    devices.add(device);
  }

  function markTouched(minute: number, now: number): void {
    const touched = touches.get(minute);
    if (touched) touched.last = now;
    else touches.set(minute, { first: now, last: now });
  }

  /** One aggregation at a time, in order. */
  function run(which: Which): Promise<void> {
    const next = chain.then(() => aggregate(which));
    chain = next.catch(() => undefined);
    return next;
  }

  for (const [device, minute] of journal?.recovered ?? []) markPending(device, minute);
  const timer = setInterval(() => {
    const now = Date.now();
    const due = repairPending || [...pending.keys()].some((minute) => isSettled(minute, now));
    if (due && !storeFailing) run('settled').catch(() => undefined); // kept pending: tried again
  }, 1000);
  timer.unref();

  async function querySeries(query: SeriesQuery): Promise<SeriesPoint[]> {
    const points = Math.floor(query.points);
    const stepMs = (query.to - query.from + 1) / Math.max(1, points);
    if (points < 1 || query.to < query.from || stepMs < MINUTE_MS) return store.querySeries(query);
    await settle(minuteOf(query.from), minuteOf(query.to));
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
      const now = Date.now();
      const over: PendingMinute[] = [];
      for (const [device, minutes] of touchedMinutes(readings)) {
        for (const minute of minutes) {
          markPending(device, minute);
          markTouched(minute, now);
          if (isOver(minute, now)) over.push([device, minute]);
        }
      }
      // Kept on disk until aggregated (by the timer, or before a read that needs them).
      if (journal) await journal.record(over);
      else if (over.length > 0 || repairPending) await run('over');
    },
    querySeries,
  };

  /** Before a read, aggregates the pending minutes it covers that are over. */
  async function settle(fromMinute: number, toMinute: number): Promise<void> {
    const now = Date.now();
    const due = [...pending.keys()].some((m) => m >= fromMinute && m <= toMinute && isOver(m, now));
    if (repairPending || due) await run('over');
  }
  const reading: HistoryStore = {
    ...aggregates,
    async deviceMinutes(fromMinute, toMinute) {
      await settle(fromMinute, toMinute);
      return aggregates.deviceMinutes(fromMinute, toMinute);
    },
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
    flush: () => run('all'),
    async stop() {
      clearInterval(timer);
      await journal?.close();
    },
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
