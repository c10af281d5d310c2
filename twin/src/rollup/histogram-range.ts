// The histogram range a metric's windows estimate percentiles over.
import { findMetric } from '../layer-scales.ts';

/** The histogram range of a metric: around its normal range, or around its first value. */
export function histogramRange(metric: string, first: number): [number, number] {
  const spec = findMetric(metric);
  if (spec) {
    const [lo, hi] = spec.normal;
    const span = hi - lo || 1;
    return [Math.max(spec.physical[0], lo - span), Math.min(spec.physical[1], hi + 2 * span)];
  }
  const span = Math.abs(first) + 1;
  return [first - span, first + 3 * span];
}
