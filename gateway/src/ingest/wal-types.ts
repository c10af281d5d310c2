// The shapes the write-ahead log works with: its options, batches and stats, appends in flight.
import type { PlacedReading } from '@sensegrid/twin';

export interface WalOptions {
  dir: string;
  /** Bytes on disk (not yet in the store) past which appends wait. */
  maxBytes: number;
  /** A segment file is sealed and a new one started past this size. */
  segmentBytes: number;
  /** Payload bytes kept in memory for the store writer; past this it reads back from disk. */
  memoryBytes: number;
  /** Told when appends start waiting for space (true) and when they flow again (false). */
  onFullChange?: (full: boolean) => void;
}

/** Readings taken from the log for the store, up to and including `lastLsn`. */
export interface WalBatch {
  readings: PlacedReading[];
  lastLsn: number;
}

export interface WalStats {
  /** Readings in the log that the store has not confirmed. */
  pendingReadings: number;
  /** Bytes of segment files on disk. */
  bytes: number;
  maxBytes: number;
  segments: number;
  /** Appends waiting for space (back-pressure). */
  waitingAppends: number;
  checkpointLsn: number;
  lastLsn: number;
  /** fsyncs so far: far fewer than appends when many publish at once (group commit). */
  syncs: number;
}

/** An append written but not yet fsynced (group commit). */
export interface Pending {
  record: Buffer;
  lsn: number;
  readings: readonly PlacedReading[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/** An append waiting for space while the log is full (back-pressure). */
export interface Blocked {
  readings: readonly PlacedReading[];
  resolve: () => void;
  reject: (error: Error) => void;
}
