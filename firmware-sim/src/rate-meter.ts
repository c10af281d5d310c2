/** Events per second over a sliding window, from samples of a growing counter. */
export interface RateMeter {
  sample(nowMs: number, count: number): void;
  /** The rate from the oldest sample in the window to `count` now. */
  rate(nowMs: number, count: number): number;
}

export function createRateMeter(windowMs = 5000): RateMeter {
  const samples: Array<{ at: number; count: number }> = [];
  return {
    sample(nowMs, count) {
      samples.push({ at: nowMs, count });
      while (samples.length > 1 && samples[1]!.at <= nowMs - windowMs) samples.shift();
    },
    rate(nowMs, count) {
      const oldest = samples[0];
      if (!oldest || nowMs <= oldest.at) return 0;
      return ((count - oldest.count) * 1000) / (nowMs - oldest.at);
    },
  };
}
