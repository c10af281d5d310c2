/**
 * Change in variability: the short-term mean absolute step |x(t) - x(t-1)| against the
 * long-term one. Steps ignore the level and the daily pattern, so only roughness counts.
 */
export interface VarianceRatio {
  previous: number;
  short: number;
  long: number;
  steps: number;
}

const SHORT_ALPHA = 0.05;
const LONG_ALPHA = 0.002;

export function createVarianceRatio(): VarianceRatio {
  return { previous: Number.NaN, short: 0, long: 0, steps: 0 };
}

/** Learns `x`; returns short / long step size (1 when unknown). */
export function trackVarianceRatio(v: VarianceRatio, x: number, floor: number): number {
  if (Number.isNaN(v.previous)) {
    v.previous = x;
    return 1;
  }
  const step = Math.abs(x - v.previous);
  v.previous = x;
  v.steps++;
  v.short += Math.max(SHORT_ALPHA, 1 / v.steps) * (step - v.short);
  v.long += Math.max(LONG_ALPHA, 1 / v.steps) * (step - v.long);
  return (v.short + floor) / (v.long + floor);
}
