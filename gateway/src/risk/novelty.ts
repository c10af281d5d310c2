/**
 * Emerging risk of the first kind: a kind of finding a region has never had. Each region
 * learns its kinds from the first evidence seen for `learnMs`; a kind new after that is
 * reported once.
 */
export interface NoveltyTracker {
  /** Whether `kind` is new for `region` at `tsMs` (and remembers it either way). */
  isNew(region: string, kind: string, tsMs: number): boolean;
}

export function createNoveltyTracker(learnMs: number): NoveltyTracker {
  let startMs = Number.NaN;
  const seen = new Map<string, Set<string>>();
  return {
    isNew(region, kind, tsMs) {
      if (Number.isNaN(startMs)) startMs = tsMs;
      let kinds = seen.get(region);
      if (!kinds) seen.set(region, (kinds = new Set()));
      if (kinds.has(kind)) return false;
      kinds.add(kind);
      return tsMs - startMs >= learnMs;
    },
  };
}

/** Marks the start of learning (the first reading), so quiet regions learn too. */
export function noteLearningStart(tracker: NoveltyTracker, region: string, tsMs: number): void {
  tracker.isNew(region, '\u0000start', tsMs);
}
