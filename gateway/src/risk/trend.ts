import type { MetricLimit } from './limits.ts';

/** The latest readings of one series, oldest first, in a fixed-size ring. */
export interface TrendWindow {
  ts: Float64Array;
  xs: Float64Array;
  size: number;
  next: number;
  /** The limit side already warned about in the current approach, if any. */
  warned: 'upper' | 'lower' | undefined;
}

export function createTrendWindow(points: number): TrendWindow {
  return {
    ts: new Float64Array(points),
    xs: new Float64Array(points),
    size: 0,
    next: 0,
    warned: undefined,
  };
}

export function addPoint(w: TrendWindow, tsMs: number, x: number): void {
  w.ts[w.next] = tsMs;
  w.xs[w.next] = x;
  w.next = (w.next + 1) % w.ts.length;
  if (w.size < w.ts.length) w.size++;
}

/** A robust straight line through the window: Theil-Sen slope, level at the latest time. */
export interface TheilSen {
  /** Units per ms. */
  slope: number;
  /** The line's value at `atMs`. */
  level: number;
  atMs: number;
  /** Share of point pairs whose slope has the sign of `slope`. */
  agreement: number;
}

export function theilSen(w: TrendWindow): TheilSen | undefined {
  if (w.size < 3) return undefined;
  const slopes: number[] = [];
  let atMs = -Infinity;
  for (let i = 0; i < w.size; i++) {
    atMs = Math.max(atMs, w.ts[i]!);
    for (let j = i + 1; j < w.size; j++) {
      const dt = w.ts[j]! - w.ts[i]!;
      if (dt !== 0) slopes.push((w.xs[j]! - w.xs[i]!) / dt);
    }
  }
  if (slopes.length === 0) return undefined;
  const slope = median(slopes);
  const agreeing = slopes.filter((s) => Math.sign(s) === Math.sign(slope) && s !== 0).length;
  const offsets: number[] = [];
  for (let i = 0; i < w.size; i++) offsets.push(w.xs[i]! - slope * (w.ts[i]! - atMs));
  return { slope, level: median(offsets), atMs, agreement: agreeing / slopes.length };
}

/** A warning that a series will pass its limit within the horizon. */
export interface Crossing {
  side: 'upper' | 'lower';
  limit: number;
  /** When the line reaches the limit, epoch ms. */
  atMs: number;
  /** Units per hour. */
  slopePerHour: number;
  level: number;
}

/**
 * The crossing of `limit` expected within `horizonMs` of the latest reading, once per approach:
 * after a warning, the series must fall back inside its limit (or its trend turn) to warn again.
 */
export function expectCrossing(
  w: TrendWindow,
  limit: MetricLimit,
  horizonMs: number,
  agreement: number,
): Crossing | undefined {
  if (w.size < w.ts.length) return undefined;
  const line = theilSen(w);
  if (!line) return undefined;
  const rising = line.slope > 0;
  const side = rising ? 'upper' : 'lower';
  const bound = rising ? limit.upper : limit.lower;
  if (w.warned !== undefined && w.warned !== side) w.warned = undefined;
  if (bound === undefined || line.slope === 0 || line.agreement < agreement) {
    if (line.agreement < agreement / 2) w.warned = undefined;
    return undefined;
  }
  const inside = rising ? line.level < bound : line.level > bound;
  if (!inside) return undefined;
  const etaMs = (bound - line.level) / line.slope;
  if (etaMs > horizonMs || w.warned === side) return undefined;
  w.warned = side;
  return {
    side,
    limit: bound,
    atMs: line.atMs + etaMs,
    slopePerHour: line.slope * 3_600_000,
    level: line.level,
  };
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
