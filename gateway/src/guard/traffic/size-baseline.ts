import type { TrafficOptions } from './options.ts';

/** A device's usual payload size: an exponentially weighted mean over its publishes. */
export interface SizeBaseline {
  publishes: number;
  usualBytes: number;
}

const ALPHA = 0.05;

export function createSizeBaseline(): SizeBaseline {
  return { publishes: 0, usualBytes: 0 };
}

/**
 * Counts one payload of `bytes`. Returns how many times the usual size it is when it is
 * oversized (it is then left out of the mean), else 0.
 */
export function measurePayload(s: SizeBaseline, bytes: number, o: TrafficOptions): number {
  if (
    s.publishes >= o.warmupPublishes &&
    bytes > o.oversizedMinBytes &&
    bytes > o.oversizedFactor * s.usualBytes
  ) {
    return bytes / Math.max(s.usualBytes, 1);
  }
  s.usualBytes += Math.max(ALPHA, 1 / (s.publishes + 1)) * (bytes - s.usualBytes);
  s.publishes++;
  return 0;
}
