import type { PlacedReading, Reading } from '@sensegrid/twin';
import type { AlertPoint } from './alert-points.ts';

export type { AlertPoint } from './alert-points.ts';

/** A query for one metric of one device over a time range. */
export interface SeriesQuery {
  device: string;
  metric: string;
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, inclusive. */
  to: number;
  /** At most this many points come back; more raw points are averaged into equal time buckets. */
  points: number;
}

/** One point of a series: [epoch milliseconds, value]. */
export type SeriesPoint = [t: number, v: number];

export interface StoreHealth {
  ok: boolean;
  /** What the store is, for people: "sqlite ./data/sensegrid.db", "influx http://...". */
  target: string;
  error?: string;
}

/**
 * Where readings live. Writes are idempotent: a reading is identified by device and timestamp
 * (plus its tags), so writing the same batch twice stores it once.
 */
export interface ReadingStore {
  readonly kind: 'sqlite' | 'influx';
  /** Connects and prepares the schema (database, tables). Safe to call on an existing store. */
  init(): Promise<void>;
  /** Stores a batch. Resolves only when the whole batch is durable in the store. */
  write(readings: readonly PlacedReading[]): Promise<void>;
  /** One metric of one device, in time order, downsampled to at most `points` points. */
  querySeries(query: SeriesQuery): Promise<SeriesPoint[]>;
  /** Every stored reading of one device in a time range, in time order (values of all metrics). */
  scan(device: string, from: number, to: number): Promise<Reading[]>;
  /** Stores changes of alerts as points of the `alerts` measurement (idempotent, like readings). */
  writeAlertPoints(points: readonly AlertPoint[]): Promise<void>;
  /** Alert points in a time range (inclusive), in time order. */
  alertPoints(from: number, to: number): Promise<AlertPoint[]>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
