import type { RiskTuning } from './tuning.ts';

/** Findings of one region and layer: the recent window and the long-run count. */
interface Cell {
  /** Device -> time of its latest finding inside the window. */
  recent: Map<string, number>;
  /** Distinct-device findings counted before the current window (the baseline). */
  baseline: number;
  firstTsMs: number;
}

export interface HotspotResult {
  /** Distinct devices with findings in the window. */
  count: number;
  /** Findings the region's own rate leads one to expect in a window. */
  expected: number;
  /** Poisson probability of at least `count` at that rate. */
  p: number;
}

/**
 * Concentrated risk: devices with findings in one region and layer within a window, judged
 * against that region's own rate (a gamma prior, so a new region starts near one finding a
 * day). A region that always has that many findings is not a hotspot.
 */
export interface HotspotTracker {
  add(key: string, device: string, tsMs: number): HotspotResult;
}

export function createHotspotTracker(tuning: RiskTuning): HotspotTracker {
  const cells = new Map<string, Cell>();
  return {
    add(key, device, tsMs) {
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = { recent: new Map(), baseline: 0, firstTsMs: tsMs }));
      for (const [other, at] of cell.recent) {
        if (tsMs - at > tuning.hotspotWindowMs) {
          cell.recent.delete(other);
          cell.baseline++;
        }
      }
      const before = cell.recent.get(device);
      if (before !== undefined) cell.baseline++;
      cell.recent.set(device, tsMs);
      const observedMs = Math.max(tsMs - cell.firstTsMs - tuning.hotspotWindowMs, 0);
      const rate =
        (cell.baseline + tuning.hotspotPriorFindings) / (observedMs + tuning.hotspotPriorMs);
      const expected = rate * tuning.hotspotWindowMs;
      const count = cell.recent.size;
      return { count, expected, p: poissonTail(count, expected) };
    },
  };
}

/** P(X >= k) for X ~ Poisson(lambda). */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  let term = Math.exp(-lambda);
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= lambda / (i + 1);
  }
  // For small lambda the complement loses precision; sum the upper tail directly instead.
  if (below > 0.999) {
    let tail = 0;
    term = Math.exp(-lambda);
    for (let i = 1; i <= k; i++) term *= lambda / i;
    for (let i = k; i < k + 50 && term > 0; i++) {
      tail += term;
      term *= lambda / (i + 1);
    }
    return tail;
  }
  return 1 - below;
}
