/**
 * The series' own reporting interval, learnt as a smoothed log interval (so one long gap
 * barely moves it), and the gaps that break it.
 */
export interface Cadence {
  /** Time of the latest reading, epoch ms; NaN before the first. */
  lastTsMs: number;
  /** Smoothed ln(interval in ms). */
  logIntervalMs: number;
  intervals: number;
}

/** Intervals seen before gaps are judged. */
const MIN_INTERVALS = 10;
const ALPHA = 0.05;

export function createCadence(): Cadence {
  return { lastTsMs: Number.NaN, logIntervalMs: 0, intervals: 0 };
}

/** The usual interval in ms, or NaN while unknown. */
export function usualIntervalMs(c: Cadence): number {
  return c.intervals < MIN_INTERVALS ? Number.NaN : Math.exp(c.logIntervalMs);
}

/**
 * Records a reading at `tsMs`; returns the interval since the previous one in ms (NaN for the
 * first; readings out of order count as 0).
 */
export function trackCadence(c: Cadence, tsMs: number): number {
  if (Number.isNaN(c.lastTsMs)) {
    c.lastTsMs = tsMs;
    return Number.NaN;
  }
  const intervalMs = Math.max(tsMs - c.lastTsMs, 0);
  if (tsMs > c.lastTsMs) c.lastTsMs = tsMs;
  if (intervalMs > 0) {
    const logInterval = Math.log(intervalMs);
    if (c.intervals === 0) c.logIntervalMs = logInterval;
    else {
      const clipped = Math.min(Math.max(logInterval, c.logIntervalMs - 1), c.logIntervalMs + 1);
      c.logIntervalMs += Math.max(ALPHA, 1 / (c.intervals + 1)) * (clipped - c.logIntervalMs);
    }
    c.intervals++;
  }
  return intervalMs;
}

/** How many usual intervals have passed between the latest reading and `nowMs` (0 if unknown). */
export function missedIntervals(c: Cadence, nowMs: number): number {
  const usual = usualIntervalMs(c);
  if (Number.isNaN(usual) || Number.isNaN(c.lastTsMs)) return 0;
  return Math.max(nowMs - c.lastTsMs, 0) / usual;
}
