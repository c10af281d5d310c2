import type { TrafficOptions } from './options.ts';

/**
 * A device's message rate in fixed buckets and its usual rate, learnt as an exponentially
 * weighted mean of past buckets. A flood is judged while a bucket fills, so it is flagged as
 * soon as the bucket passes its limit; buckets that flood barely move the usual rate.
 * The step functions update the state in place and read no clock.
 */
export interface RateBaseline {
  bucketStartMs: number;
  bucketMsgs: number;
  bucketBytes: number;
  /** Publishes in the current bucket past which it floods (Infinity while warming up). */
  floodLimitMsgs: number;
  /** Buckets closed so far (empty ones included). */
  buckets: number;
  usualMsgsPerSec: number;
  usualBytesPerSec: number;
  /** Rates of the latest closed bucket. */
  lastMsgsPerSec: number;
  lastBytesPerSec: number;
  /** The current bucket passed its limit. */
  bucketFlooding: boolean;
  /** A flood episode is going on (it ends with the first bucket under the limit). */
  flooding: boolean;
  lastPublishMs: number;
}

const ALPHA = 0.1;
/** How much a flooding bucket teaches the usual rate, so a lasting change is learnt slowly. */
const FLOOD_ALPHA = 0.01;
/** Empty buckets folded into the mean one by one at most; a longer gap decays it at once. */
const MAX_GAP_BUCKETS = 10_000;

export function createRateBaseline(nowMs: number): RateBaseline {
  return {
    bucketStartMs: nowMs,
    bucketMsgs: 0,
    bucketBytes: 0,
    floodLimitMsgs: Infinity,
    buckets: 0,
    usualMsgsPerSec: 0,
    usualBytesPerSec: 0,
    lastMsgsPerSec: 0,
    lastBytesPerSec: 0,
    bucketFlooding: false,
    flooding: false,
    lastPublishMs: Number.NaN,
  };
}

export type RateEvent = 'flood' | 'calm' | undefined;

/**
 * Closes the buckets that ended before `nowMs`. Returns 'calm' when a flood episode ended
 * (a closed bucket stayed under its limit).
 */
export function rollRate(r: RateBaseline, nowMs: number, o: TrafficOptions): RateEvent {
  const elapsed = nowMs - r.bucketStartMs;
  if (elapsed < o.bucketMs) return undefined;
  const seconds = o.bucketMs / 1000;
  r.lastMsgsPerSec = r.bucketMsgs / seconds;
  r.lastBytesPerSec = r.bucketBytes / seconds;
  const alpha = r.bucketFlooding ? FLOOD_ALPHA : Math.max(ALPHA, 1 / (r.buckets + 1));
  r.usualMsgsPerSec += alpha * (r.lastMsgsPerSec - r.usualMsgsPerSec);
  r.usualBytesPerSec += alpha * (r.lastBytesPerSec - r.usualBytesPerSec);
  const empty = Math.min(Math.floor(elapsed / o.bucketMs) - 1, MAX_GAP_BUCKETS);
  if (empty > 0) {
    const keep = (1 - ALPHA) ** empty;
    r.usualMsgsPerSec *= keep;
    r.usualBytesPerSec *= keep;
    r.lastMsgsPerSec = 0;
    r.lastBytesPerSec = 0;
  }
  r.buckets += 1 + Math.max(empty, 0);
  r.bucketStartMs += Math.floor(elapsed / o.bucketMs) * o.bucketMs;
  // Hysteresis: a flood ends with a bucket under half its limit, not one just under it.
  const stillHigh = r.flooding && r.bucketMsgs > r.floodLimitMsgs / 2;
  r.bucketMsgs = 0;
  r.bucketBytes = 0;
  const wasFlooding = r.flooding;
  r.flooding = (r.bucketFlooding || stillHigh) && empty <= 0;
  r.bucketFlooding = false;
  r.floodLimitMsgs =
    r.buckets < o.warmupBuckets
      ? Infinity
      : Math.max(o.floodFactor * r.usualMsgsPerSec, o.floodMinMsgsPerSec) * seconds;
  return wasFlooding && !r.flooding ? 'calm' : undefined;
}

/**
 * Counts one publish of `bytes` at `nowMs`. Returns 'flood' when this publish takes the
 * bucket past its limit and no flood episode was going on, 'calm' when one just ended.
 */
export function countPublish(
  r: RateBaseline,
  bytes: number,
  nowMs: number,
  o: TrafficOptions,
): RateEvent {
  const rolled = nowMs - r.bucketStartMs >= o.bucketMs ? rollRate(r, nowMs, o) : undefined;
  r.lastPublishMs = nowMs;
  r.bucketBytes += bytes;
  if (++r.bucketMsgs <= r.floodLimitMsgs || r.bucketFlooding) return rolled;
  r.bucketFlooding = true;
  if (r.flooding) return undefined;
  r.flooding = true;
  return 'flood';
}

/**
 * The device's rate around `nowMs` without changing the state: the latest closed bucket's,
 * or the bucket just ended, or 0 after a bucket without publishes.
 */
export function recentRate(
  r: RateBaseline,
  nowMs: number,
  o: TrafficOptions,
): { msgsPerSec: number; bytesPerSec: number } {
  const elapsed = nowMs - r.bucketStartMs;
  if (elapsed < o.bucketMs) return { msgsPerSec: r.lastMsgsPerSec, bytesPerSec: r.lastBytesPerSec };
  if (elapsed >= 2 * o.bucketMs) return { msgsPerSec: 0, bytesPerSec: 0 };
  const seconds = o.bucketMs / 1000;
  return { msgsPerSec: r.bucketMsgs / seconds, bytesPerSec: r.bucketBytes / seconds };
}

/**
 * Whether the device has been quiet for longer than its usual interval allows: the time
 * since its latest publish in ms when it has, else 0. Judged on the usual rate as of the
 * latest publish: call it without rolling the buckets of the quiet time.
 */
export function silentForMs(r: RateBaseline, nowMs: number, o: TrafficOptions): number {
  if (r.buckets < o.warmupBuckets || !(r.usualMsgsPerSec > 0) || Number.isNaN(r.lastPublishMs))
    return 0;
  const quietMs = nowMs - r.lastPublishMs;
  const allowedMs = Math.max(o.silenceMinMs, (o.silenceFactor * 1000) / r.usualMsgsPerSec);
  return quietMs > allowedMs ? quietMs : 0;
}
