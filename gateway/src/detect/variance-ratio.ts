/**
 * Change in variability: the short-term mean absolute step |x(t) - x(t-1)| against what is
 * usual. Steps ignore the level, so only roughness counts; what is usual is learnt per
 * time-of-day slot, so a series that is calm every night and busy every day is judged
 * against its own hours (the expectation is smoothed like the short-term step, so it lags
 * the day in the same way).
 */
export interface VarianceRatio {
  previous: number;
  short: number;
  long: number;
  steps: number;
  /** Long-term step size per time-of-day slot, and steps seen in each. */
  slotLong: number[];
  slotSteps: number[];
  /** The usual step size over the recent slots, smoothed like `short`. */
  expected: number;
}

const SHORT_ALPHA = 0.05;
const LONG_ALPHA = 0.002;
const SLOT_ALPHA = 0.02;
/** Steps a slot needs before its own roughness is the reference. */
const SLOT_MIN_STEPS = 10;

export function createVarianceRatio(slots = 1): VarianceRatio {
  return {
    previous: Number.NaN,
    short: 0,
    long: 0,
    steps: 0,
    slotLong: new Array<number>(slots).fill(0),
    slotSteps: new Array<number>(slots).fill(0),
    expected: Number.NaN,
  };
}

/** Learns `x` (taken in time-of-day `slot`); returns short / usual step size (1 when unknown). */
export function trackVarianceRatio(v: VarianceRatio, x: number, floor: number, slot = 0): number {
  if (Number.isNaN(v.previous)) {
    v.previous = x;
    return 1;
  }
  const step = Math.abs(x - v.previous);
  v.previous = x;
  v.steps++;
  v.short += Math.max(SHORT_ALPHA, 1 / v.steps) * (step - v.short);
  v.long += Math.max(LONG_ALPHA, 1 / v.steps) * (step - v.long);
  const s = Math.min(Math.max(slot, 0), v.slotLong.length - 1);
  const usual = v.slotSteps[s]! >= SLOT_MIN_STEPS ? v.slotLong[s]! : v.long;
  v.expected = Number.isNaN(v.expected)
    ? usual
    : v.expected + Math.max(SHORT_ALPHA, 1 / v.steps) * (usual - v.expected);
  v.slotSteps[s]!++;
  v.slotLong[s]! += Math.max(SLOT_ALPHA, 1 / v.slotSteps[s]!) * (step - v.slotLong[s]!);
  return (v.short + floor) / (v.expected + floor);
}
