/** Count, mean, min, max and 95th percentile of a metric over a window. */
export interface WindowStats {
  count: number;
  mean: number;
  min: number;
  max: number;
  /** Estimated from a histogram: within one bin width ((hi - lo) / bins) of the exact value. */
  p95: number;
}

export interface WindowShape {
  /** Number of time buckets the window holds; it slides one bucket at a time. */
  buckets: number;
  /** Histogram bins per bucket, over [lo, hi]. */
  bins: number;
}

/**
 * A sliding window of one metric, as a ring of time buckets that each keep count, sum, min,
 * max and a histogram. Adding a value is O(1); reading the stats is O(buckets * bins).
 */
export class MetricWindow {
  private readonly epochs: Float64Array;
  /** Per bucket: count, sum, min, max. */
  private readonly sums: Float64Array;
  private readonly hist: Uint32Array;
  private readonly binWidth: number;

  constructor(
    readonly lo: number,
    readonly hi: number,
    private readonly shape: WindowShape,
  ) {
    this.epochs = new Float64Array(shape.buckets).fill(-Infinity);
    this.sums = new Float64Array(shape.buckets * 4);
    this.hist = new Uint32Array(shape.buckets * shape.bins);
    this.binWidth = (hi - lo) / shape.bins;
  }

  /** Adds a value to time bucket `bucket` (time / bucket length). Older buckets are ignored. */
  add(bucket: number, value: number): void {
    const { buckets, bins } = this.shape;
    const slot = bucket % buckets;
    const epoch = this.epochs[slot]!;
    if (epoch !== bucket) {
      if (epoch > bucket) return; // the slot already holds a newer bucket: this one has expired
      this.epochs[slot] = bucket;
      this.sums[slot * 4] = 0;
      this.sums[slot * 4 + 1] = 0;
      this.sums[slot * 4 + 2] = Infinity;
      this.sums[slot * 4 + 3] = -Infinity;
      this.hist.fill(0, slot * bins, slot * bins + bins);
    }
    const s = slot * 4;
    this.sums[s]!++;
    this.sums[s + 1]! += value;
    if (value < this.sums[s + 2]!) this.sums[s + 2] = value;
    if (value > this.sums[s + 3]!) this.sums[s + 3] = value;
    let bin = Math.floor((value - this.lo) / this.binWidth);
    if (!(bin >= 0)) bin = 0;
    else if (bin >= bins) bin = bins - 1;
    this.hist[slot * bins + bin]!++;
  }

  /** Stats over the buckets (now - buckets, now]; undefined when the window holds nothing. */
  stats(now: number): WindowStats | undefined {
    const { buckets, bins } = this.shape;
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let slot = 0; slot < buckets; slot++) {
      const epoch = this.epochs[slot]!;
      if (!(epoch > now - buckets && epoch <= now)) continue;
      count += this.sums[slot * 4]!;
      sum += this.sums[slot * 4 + 1]!;
      min = Math.min(min, this.sums[slot * 4 + 2]!);
      max = Math.max(max, this.sums[slot * 4 + 3]!);
    }
    if (count === 0) return undefined;
    const rank = Math.ceil(0.95 * count);
    let seen = 0;
    let p95 = max;
    for (let bin = 0; bin < bins; bin++) {
      let inBin = 0;
      for (let slot = 0; slot < buckets; slot++) {
        const epoch = this.epochs[slot]!;
        if (epoch > now - buckets && epoch <= now) inBin += this.hist[slot * bins + bin]!;
      }
      if (seen + inBin >= rank) {
        p95 = this.lo + (bin + (rank - seen) / inBin) * this.binWidth;
        break;
      }
      seen += inBin;
    }
    return { count, mean: sum / count, min, max, p95: Math.min(max, Math.max(min, p95)) };
  }

  /** True when no bucket inside (now - buckets, now] holds a value. */
  isEmpty(now: number): boolean {
    for (let slot = 0; slot < this.shape.buckets; slot++) {
      const epoch = this.epochs[slot]!;
      if (epoch > now - this.shape.buckets && epoch <= now && this.sums[slot * 4]! > 0)
        return false;
    }
    return true;
  }
}
