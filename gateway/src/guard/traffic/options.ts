/** How the traffic monitor judges a device or an address. Units are in the names. */
export interface TrafficOptions {
  /** Length of one message-rate bucket. */
  bucketMs: number;
  /** Rate buckets a device must have lived through before floods and silence are judged. */
  warmupBuckets: number;
  /** Publishes a device must have made before new topics and oversized payloads are judged. */
  warmupPublishes: number;
  /** A bucket with more than this many times the device's usual rate is a flood... */
  floodFactor: number;
  /** ...and more than this many publishes per second. */
  floodMinMsgsPerSec: number;
  /** A payload this many times the device's usual size is oversized... */
  oversizedFactor: number;
  /** ...and larger than this. */
  oversizedMinBytes: number;
  /** A device is silent after this many of its usual intervals without a publish... */
  silenceFactor: number;
  /** ...and at least this long. */
  silenceMinMs: number;
  /** Topics remembered per device; more are judged new every time. */
  maxTopics: number;
  /** Connections of one client id within `churnWindowMs` that count as churn. */
  churnConnects: number;
  churnWindowMs: number;
  /** Failed logins from one address within `authFailureWindowMs` that are flagged. */
  authFailures: number;
  authFailureWindowMs: number;
  /** A client id connecting from a new address within this of another one is shared. */
  sharedIdWindowMs: number;
  /** A finding of one kind about one device or address is raised again at most this often. */
  repeatMs: number;
  /** Findings older than this are forgotten. */
  recentMs: number;
  /** Devices and addresses tracked at most; the oldest are forgotten first. */
  maxDevices: number;
  maxAddresses: number;
}

export const DEFAULT_TRAFFIC_OPTIONS: Readonly<TrafficOptions> = Object.freeze({
  bucketMs: 5000,
  warmupBuckets: 6,
  warmupPublishes: 20,
  floodFactor: 10,
  floodMinMsgsPerSec: 5,
  oversizedFactor: 8,
  oversizedMinBytes: 4096,
  silenceFactor: 10,
  silenceMinMs: 60_000,
  maxTopics: 16,
  churnConnects: 6,
  churnWindowMs: 60_000,
  authFailures: 5,
  authFailureWindowMs: 60_000,
  sharedIdWindowMs: 600_000,
  repeatMs: 60_000,
  recentMs: 3_600_000,
  maxDevices: 100_000,
  maxAddresses: 20_000,
});

export function trafficOptions(overrides: Partial<TrafficOptions> = {}): TrafficOptions {
  return { ...DEFAULT_TRAFFIC_OPTIONS, ...overrides };
}

/** A score in [0, 1) that grows with how far `ratio` is past `threshold` (0.5 at it). */
export function scoreOf(ratio: number, threshold: number): number {
  if (!(ratio > 0) || !(threshold > 0)) return 0;
  return Math.round((ratio / (ratio + threshold)) * 1000) / 1000;
}
