/** A finding as cross-layer correlation keeps it: its family of hazard, score and time. */
interface Entry {
  family: string;
  layer: string;
  score: number;
  tsMs: number;
}

export interface CrossLayerEvent {
  /** The families involved, sorted. */
  families: string[];
  layers: string[];
  /** Above each finding's own score: 1 - product of (1 - score) over the best per family. */
  score: number;
}

/**
 * Cross-layer correlation: findings of different families (layers; fire's smoke and heat
 * apart) in one region within a window are one event, scored above either alone.
 */
export interface CrossLayerTracker {
  add(
    region: string,
    family: string,
    layer: string,
    score: number,
    tsMs: number,
  ): CrossLayerEvent | undefined;
}

export function createCrossLayerTracker(windowMs: number, maxPerRegion = 64): CrossLayerTracker {
  const byRegion = new Map<string, Entry[]>();
  return {
    add(region, family, layer, score, tsMs) {
      let entries = byRegion.get(region);
      if (!entries) byRegion.set(region, (entries = []));
      const fresh = entries.filter((e) => tsMs - e.tsMs <= windowMs);
      fresh.push({ family, layer, score, tsMs });
      if (fresh.length > maxPerRegion) fresh.splice(0, fresh.length - maxPerRegion);
      byRegion.set(region, fresh);
      const best = new Map<string, Entry>();
      for (const e of fresh) {
        const held = best.get(e.family);
        if (!held || e.score > held.score) best.set(e.family, e);
      }
      if (best.size < 2) return undefined;
      const families = [...best.keys()].sort();
      let miss = 1;
      for (const e of best.values()) miss *= 1 - Math.min(e.score, 0.999);
      const layers = [...new Set([...best.values()].map((e) => e.layer))].sort();
      return { families, layers, score: 1 - miss };
    },
  };
}
