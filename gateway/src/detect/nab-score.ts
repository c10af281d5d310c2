/**
 * The published NAB scoring method (Lavin and Ahmad, 2015), implemented from its description:
 * probationary period, labelled windows, sigmoid-weighted earliest true positive per window,
 * false positives weighted by their distance from the previous window, a cost per missed
 * window, one threshold per profile chosen to maximise the corpus total, normalised 0..100.
 */

/** The weights of one NAB application profile. */
export interface NabProfile {
  name: string;
  /** Worth of the earliest possible detection in a window. */
  tpWeight: number;
  /** Cost of a detection far from any window. */
  fpWeight: number;
  /** Cost of a window without any detection. */
  fnWeight: number;
}

export const NAB_PROFILES: readonly NabProfile[] = [
  { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  { name: 'reward_low_FP_rate', tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
];

/** A labelled window as row indices, both inclusive. */
export interface RowWindow {
  left: number;
  right: number;
}

/**
 * What a detection on each row would be worth, independent of the profile.
 * `windowOf[i] >= 0`: the row is inside that window and a detection there is a true positive
 * worth `tpShare[i] * tpWeight`. `windowOf[i] === -1`: a detection is a false positive worth
 * `fpShare[i] * fpWeight` (fpShare in [-1, 0]). `windowOf[i] === -2`: probationary, not scored.
 */
export interface LabelledRows {
  windowCount: number;
  windowOf: Int32Array;
  tpShare: Float64Array;
  fpShare: Float64Array;
}

/** NAB's scaled sigmoid: 2 / (1 + e^(5p)) - 1, and -1 beyond p = 3. */
export function scaledSigmoid(position: number): number {
  if (position > 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

/** Rows at the start of a file that are not scored: min(floor(0.15 * rows), 750). */
export function probationRows(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

/**
 * Turns windows given as times into row indices: the first row at or after the start and the
 * last row at or before the end. `times` must be ascending. Windows holding no row are dropped.
 */
export function windowsToRows(
  times: ArrayLike<number>,
  windowsMs: [number, number][],
): RowWindow[] {
  const rows: RowWindow[] = [];
  for (const [startMs, endMs] of windowsMs) {
    let left = 0;
    while (left < times.length && times[left]! < startMs) left++;
    let right = left - 1;
    while (right + 1 < times.length && times[right + 1]! <= endMs) right++;
    if (right >= left) rows.push({ left, right });
  }
  return rows;
}

/** Precomputes the worth of a detection on every row of one file. */
export function labelRows(rowCount: number, windows: readonly RowWindow[]): LabelledRows {
  const windowOf = new Int32Array(rowCount).fill(-1);
  const tpShare = new Float64Array(rowCount);
  const fpShare = new Float64Array(rowCount);
  const maxTp = scaledSigmoid(-1);
  const sorted = [...windows].sort((a, b) => a.left - b.left);
  sorted.forEach((window, w) => {
    const width = window.right - window.left + 1;
    for (let i = window.left; i <= window.right && i < rowCount; i++) {
      windowOf[i] = w;
      tpShare[i] = scaledSigmoid(-(window.right - i + 1) / width) / maxTp;
    }
  });
  let previous: RowWindow | undefined;
  let next = 0;
  for (let i = 0; i < rowCount; i++) {
    while (next < sorted.length && sorted[next]!.right < i) previous = sorted[next++];
    if (windowOf[i] !== -1) continue;
    if (previous === undefined) {
      fpShare[i] = -1;
    } else {
      const width = previous.right - previous.left + 1;
      const position = Math.abs(i - previous.right) / Math.max(width - 1, 1);
      fpShare[i] = scaledSigmoid(position);
    }
  }
  const probation = probationRows(rowCount);
  for (let i = 0; i < probation && i < rowCount; i++) windowOf[i] = -2;
  return { windowCount: sorted.length, windowOf, tpShare, fpShare };
}

/** Counts and raw score of one file at one threshold. */
export interface FileScore {
  tp: number;
  fp: number;
  fn: number;
  raw: number;
}

/** Scores one file's anomaly scores at a threshold (detection: score >= threshold). */
export function scoreFile(
  scores: ArrayLike<number>,
  rows: LabelledRows,
  threshold: number,
  profile: NabProfile,
): FileScore {
  const best = new Float64Array(rows.windowCount).fill(Number.NEGATIVE_INFINITY);
  let fp = 0;
  let fpSum = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!(scores[i]! >= threshold)) continue;
    const w = rows.windowOf[i]!;
    if (w === -2) continue;
    if (w === -1) {
      fp++;
      fpSum += rows.fpShare[i]! * profile.fpWeight;
    } else if (rows.tpShare[i]! > best[w]!) {
      best[w] = rows.tpShare[i]!;
    }
  }
  let tp = 0;
  let raw = fpSum;
  for (const share of best) {
    if (share === Number.NEGATIVE_INFINITY) {
      raw -= profile.fnWeight;
    } else {
      tp++;
      raw += share * profile.tpWeight;
    }
  }
  return { tp, fp, fn: rows.windowCount - tp, raw };
}

/** One file as the optimiser sees it. */
export interface ScoredFile {
  scores: ArrayLike<number>;
  rows: LabelledRows;
}

/** The corpus result of one profile at its best threshold. */
export interface ProfileResult {
  profile: NabProfile;
  threshold: number;
  raw: number;
  /** 100 * (raw - null) / (perfect - null). */
  normalised: number;
}

/** 100 * (raw - null) / (perfect - null), where null never fires and perfect finds every window first. */
export function normaliseScore(raw: number, windowCount: number, profile: NabProfile): number {
  const nullScore = -profile.fnWeight * windowCount;
  const perfect = profile.tpWeight * windowCount;
  return perfect === nullScore ? 0 : (100 * (raw - nullScore)) / (perfect - nullScore);
}

/**
 * Finds the single threshold that maximises the corpus total for a profile, by sweeping every
 * distinct score from the highest down and updating the total incrementally.
 */
export function optimiseThreshold(
  files: readonly ScoredFile[],
  profile: NabProfile,
): ProfileResult {
  const windowBase: number[] = [];
  let windowCount = 0;
  let points = 0;
  for (const file of files) {
    windowBase.push(windowCount);
    windowCount += file.rows.windowCount;
    points += file.scores.length;
  }
  const order = new Uint32Array(points);
  const fileOf = new Uint32Array(points);
  const rowOf = new Uint32Array(points);
  const value = new Float64Array(points);
  let k = 0;
  files.forEach((file, f) => {
    for (let i = 0; i < file.scores.length; i++) {
      order[k] = k;
      fileOf[k] = f;
      rowOf[k] = i;
      value[k] = file.scores[i]!;
      k++;
    }
  });
  order.sort((a, b) => value[b]! - value[a]!);

  const best = new Float64Array(windowCount).fill(Number.NEGATIVE_INFINITY);
  let total = 0 - profile.fnWeight * windowCount;
  // A threshold above every score: nothing fires.
  let bestTotal = total;
  let bestThreshold = points === 0 ? 1 : value[order[0]!]! + 1e-9;
  for (let j = 0; j < points;) {
    const level = value[order[j]!]!;
    for (; j < points && value[order[j]!] === level; j++) {
      const point = order[j]!;
      const file = files[fileOf[point]!]!;
      const i = rowOf[point]!;
      const w = file.rows.windowOf[i]!;
      if (w === -2) continue;
      if (w === -1) {
        total += file.rows.fpShare[i]! * profile.fpWeight;
        continue;
      }
      const slot = windowBase[fileOf[point]!]! + w;
      const share = file.rows.tpShare[i]! * profile.tpWeight;
      const previous = best[slot]!;
      if (share > previous) {
        total +=
          previous === Number.NEGATIVE_INFINITY ? share + profile.fnWeight : share - previous;
        best[slot] = share;
      }
    }
    if (total > bestTotal) {
      bestTotal = total;
      bestThreshold = level;
    }
  }
  return {
    profile,
    threshold: bestThreshold,
    raw: bestTotal,
    normalised: normaliseScore(bestTotal, windowCount, profile),
  };
}
