/**
 * Exponentially weighted levels and spreads that outliers barely move: each residual is
 * clipped to `clip` robust sigmas before it updates either (a Huber-style M-estimate). Kept
 * as parallel arrays, one entry per slot, so a profile of 168 slots is three typed arrays.
 * The spread is a mean absolute deviation; MAD_TO_SIGMA times it estimates one sigma.
 */
export interface RobustLevels {
  level: Float64Array;
  /** Mean absolute deviation of recent residuals (clipped), in the series' unit. */
  spread: Float64Array;
  /** Updates seen, each weighted by how much of a full reporting interval it stands for. */
  weight: Float64Array;
}

/** Mean absolute deviation to sigma for normal data: sqrt(pi / 2). */
export const MAD_TO_SIGMA = 1.2533;

/** Residuals are left unclipped until this much weight is in, so the spread can form. */
const UNCLIPPED_WEIGHT = 10;

export function createRobustLevels(slots: number): RobustLevels {
  return {
    level: new Float64Array(slots).fill(Number.NaN),
    spread: new Float64Array(slots),
    weight: new Float64Array(slots),
  };
}

/** The step of an update of weight `w` when a full-weight update steps by `alpha`. */
export function weightedAlpha(alpha: number, w: number): number {
  return w === 1 ? alpha : 1 - Math.pow(1 - alpha, w);
}

/**
 * Moves slot `i` towards `x` by `stepAlpha` (see weightedAlpha), and never less than
 * w / weight so early data averages.
 */
export function updateRobustLevel(
  levels: RobustLevels,
  i: number,
  x: number,
  stepAlpha: number,
  clip: number,
  w = 1,
): void {
  const weight = (levels.weight[i] = levels.weight[i]! + w);
  const level = levels.level[i]!;
  if (Number.isNaN(level)) {
    levels.level[i] = x;
    return;
  }
  const spread = levels.spread[i]!;
  const step = Math.max(stepAlpha, w / (weight + 1));
  let residual = x - level;
  if (weight > UNCLIPPED_WEIGHT) {
    const limit = clip * Math.max(spread * MAD_TO_SIGMA, 1e-12);
    if (residual > limit) residual = limit;
    else if (residual < -limit) residual = -limit;
  }
  levels.level[i] = level + step * residual;
  levels.spread[i] = spread + step * (Math.abs(residual) - spread);
}
