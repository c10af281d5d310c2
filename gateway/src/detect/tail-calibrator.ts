/**
 * Turns a raw statistic (a z-score, a rarity) into surprise in nats, -ln P(past >= now), using
 * the series' own history of that statistic. A statistic that is always large in one series
 * (a spiky load balancer) is then unremarkable there, and rare in another (a smooth
 * temperature) remarkable. Values are kept as a histogram of log(1 + statistic) in a Fenwick
 * tree, so each call costs O(log bins) and memory is fixed.
 */
export interface TailCalibrator {
  /** Fenwick tree of counts per bin of log(1 + statistic). */
  tree: Uint32Array;
  count: number;
  /** Largest log(1 + statistic) seen. */
  maxLog: number;
}

/** The tuning of a calibrator; the defaults are the production values. */
export interface CalibrationOptions {
  /** Histogram bin width in log(1 + statistic). */
  binWidth: number;
  bins: number;
  /** Observations needed before any surprise is reported. */
  minCount: number;
  /** Pseudo-count added to the tail, so a value never seen is not infinitely surprising. */
  prior: number;
  /**
   * History length beyond which the tail share stops shrinking: a value rarer than anything in
   * this many observations counts as that rare, and only going further beyond the largest
   * value seen adds surprise. Keeps long, clean series from alarming on every new record.
   */
  historyCap: number;
  /** Extra nats per unit of log(1 + statistic) beyond the largest value seen so far. */
  beyondMaxNats: number;
}

export const DEFAULT_CALIBRATION: Readonly<CalibrationOptions> = Object.freeze({
  binWidth: 0.05,
  bins: 256,
  minCount: 30,
  prior: 0.5,
  historyCap: 1000,
  beyondMaxNats: 3,
});

export function createTailCalibrator(
  options: CalibrationOptions = DEFAULT_CALIBRATION,
): TailCalibrator {
  return { tree: new Uint32Array(options.bins + 1), count: 0, maxLog: 0 };
}

/** Count of observations in bins 0..bin (Fenwick prefix sum). */
function countUpTo(tree: Uint32Array, bin: number): number {
  let sum = 0;
  for (let i = bin + 1; i > 0; i -= i & -i) sum += tree[i]!;
  return sum;
}

function addOne(tree: Uint32Array, bin: number): void {
  for (let i = bin + 1; i < tree.length; i += i & -i) tree[i]!++;
}

/**
 * Returns how surprising `statistic` (>= 0) is against the history so far, in nats (>= 0),
 * then adds it to the history.
 */
export function calibrateSurprise(
  cal: TailCalibrator,
  statistic: number,
  options: CalibrationOptions = DEFAULT_CALIBRATION,
): number {
  const u = Math.log1p(statistic > 0 ? statistic : 0);
  let bin = Math.floor(u / options.binWidth);
  if (bin >= options.bins) bin = options.bins - 1;
  let surprise = 0;
  if (cal.count >= options.minCount) {
    const tail = cal.count - (bin > 0 ? countUpTo(cal.tree, bin - 1) : 0);
    const share = (tail + options.prior) / (cal.count + 1);
    surprise = -Math.log(Math.max(share, options.prior / (options.historyCap + 1)));
    if (u > cal.maxLog && cal.maxLog > 0) surprise += (u - cal.maxLog) * options.beyondMaxNats;
    if (surprise < 0) surprise = 0;
  }
  addOne(cal.tree, bin);
  cal.count++;
  if (u > cal.maxLog) cal.maxLog = u;
  return surprise;
}
