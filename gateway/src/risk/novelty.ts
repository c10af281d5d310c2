/**
 * Emerging risk of the first kind: a kind of finding a region has never had. Regions learn
 * their kinds for `learnMs` from the first finding the analysis sees; a kind new to a region
 * after that is reported once.
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
