/**
 * Per-minute aggregates kept beside the raw readings, so that history over hours and days
 * reads minutes instead of points.
 *
 * - `readings_1m`: per device, metric and minute: count, sum, min, max and the last value.
 *   Always recomputed from the stored raw readings of that device and minute, so writing a
 *   batch twice (a retried write, a replayed write-ahead log) gives the same rows.
 * - `regions_1m`: per region (every hierarchy node and every grid-system region), layer,
 *   metric and minute: count, sum, min, max and the sensors that reported. Recomputed from
 *   every device's `readings_1m` row of that minute, so it is as idempotent as they are.
 */
export const MINUTE_MS = 60_000;

/** Start of the minute that holds `ts` (epoch ms). */
export const minuteOf = (ts: number): number => Math.floor(ts / MINUTE_MS) * MINUTE_MS;

/** One device's aggregate of one metric over one minute. */
export interface DeviceMinute {
  device: string;
  metric: string;
  /** Epoch ms of the minute's start. */
  minute: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** The value with the latest time in the minute. */
  last: number;
}

/** One region's aggregate of one layer's metric over one minute. */
export interface RegionMinute {
  region: string;
  layer: string;
  metric: string;
  minute: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Sensors with at least one value of the metric in the minute. */
  sensors: number;
}

/** What the history needs of a store, beside the ReadingStore it extends. */
export interface HistoryStore {
  /**
   * Recomputes from the stored raw readings, and stores, the aggregates of the given minutes
   * of the given devices (device -> minute starts).
   */
  refreshDeviceMinutes(touched: ReadonlyMap<string, ReadonlySet<number>>): Promise<void>;
  /** Recomputes and stores every device's aggregates of a minute range (inclusive) from raw. */
  refreshRecentMinutes(fromMinute: number, toMinute: number): Promise<void>;
  /** The start of the newest minute any device has an aggregate of, if any. */
  latestMinute(): Promise<number | undefined>;
  /** Every device's aggregates of the minutes from `fromMinute` to `toMinute` (inclusive). */
  deviceMinutes(fromMinute: number, toMinute: number): Promise<DeviceMinute[]>;
  /**
   * One device's metric as [bucket start, mean] from its minute aggregates: buckets of
   * `bucketMs` (a whole number of minutes) starting at `fromMinute`, empty ones left out.
   */
  deviceSeries(
    device: string,
    metric: string,
    fromMinute: number,
    toMinute: number,
    bucketMs: number,
  ): Promise<[number, number][]>;
  /** Stores region aggregates (replacing rows with the same key). */
  writeRegionMinutes(rows: readonly RegionMinute[]): Promise<void>;
  /** One region's aggregates (one layer, or all) in a minute range (inclusive), in time order. */
  regionMinutes(
    region: string,
    layer: string | undefined,
    fromMinute: number,
    toMinute: number,
  ): Promise<RegionMinute[]>;
  /** Every region's aggregates of one minute. */
  regionsAt(minute: number): Promise<RegionMinute[]>;
}
