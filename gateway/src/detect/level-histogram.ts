import type { DetectorOptions } from './options.ts';

/** Bins kept either side of the warm-up range; levels further out share the edge bins. */
const MARGIN_BINS = 54;

/**
 * How often the series' smoothed level has been where it is now. Bins are fixed after the
 * warm-up (its range split in `levelBins`), so a level never visited is rare forever until
 * it becomes usual: level shifts, new regimes, denser spikes, a day with a different shape.
 */
export interface LevelHistogram {
  smoothed: number;
  low: number;
  high: number;
  /** 0 until the warm-up ends. */
  binWidth: number;
  counts: Uint32Array;
  total: number;
}

export function createLevelHistogram(options: DetectorOptions): LevelHistogram {
  return {
    smoothed: Number.NaN,
    low: Number.POSITIVE_INFINITY,
    high: Number.NEGATIVE_INFINITY,
    binWidth: 0,
    counts: new Uint32Array(options.levelBins + 2 * MARGIN_BINS),
    total: 0,
  };
}

/**
 * Smooths `x` into the level and returns the level's rarity, -ln(share of history in its
 * bin), in nats (0 during warm-up); then counts it.
 */
export function levelRarity(
  h: LevelHistogram,
  x: number,
  pointIndex: number,
  options: DetectorOptions,
): number {
  h.smoothed = Number.isNaN(h.smoothed) ? x : h.smoothed + options.levelAlpha * (x - h.smoothed);
  if (pointIndex < options.warmupPoints) {
    if (x < h.low) h.low = x;
    if (x > h.high) h.high = x;
    return 0;
  }
  if (h.binWidth === 0) {
    if (!Number.isFinite(h.low)) h.low = h.high = x;
    h.binWidth = Math.max((h.high - h.low) / options.levelBins, 1e-9);
  }
  let bin = Math.floor((h.smoothed - h.low) / h.binWidth) + MARGIN_BINS;
  if (bin < 0) bin = 0;
  else if (bin >= h.counts.length) bin = h.counts.length - 1;
  const rarity = -Math.log((h.counts[bin]! + 0.5) / (h.total + 1));
  h.counts[bin]!++;
  h.total++;
  return rarity;
}

/** The share of history (0..1) the current level's bin holds, for explanations. */
export function levelShare(h: LevelHistogram): number {
  if (h.binWidth === 0 || h.total === 0) return 1;
  let bin = Math.floor((h.smoothed - h.low) / h.binWidth) + MARGIN_BINS;
  bin = Math.min(Math.max(bin, 0), h.counts.length - 1);
  return (h.counts[bin]! - 1) / h.total;
}
