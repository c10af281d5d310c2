import { createCsvDetector } from './detect-csv.ts';
import type { NabSeries } from './nab-corpus.ts';
import {
  type FileScore,
  labelRows,
  NAB_PROFILES,
  optimiseThreshold,
  type ProfileResult,
  scoreFile,
  type ScoredFile,
} from './nab-score.ts';

/** One file's outcome under each profile at that profile's corpus threshold. */
export interface NabFileResult {
  name: string;
  rows: number;
  windows: number;
  byProfile: FileScore[];
}

export interface NabEvaluation {
  profiles: ProfileResult[];
  files: NabFileResult[];
  points: number;
  detectSeconds: number;
}

/**
 * Scores a CSV's rows exactly as `sensegrid detect` does: the same CSV reader, the same
 * production detector, the default parameters.
 */
export function scoreCsvLikeDetectCommand(text: string, rows: number): Float64Array {
  const scores = new Float64Array(rows);
  const csv = createCsvDetector({
    emit: () => undefined,
    onScore: (row, score) => {
      scores[row] = score;
    },
  });
  csv.push(text);
  csv.end();
  return scores;
}

/** Runs the detector over every series and scores the corpus under each NAB profile. */
export function evaluateNab(
  corpus: readonly NabSeries[],
  score: (series: NabSeries) => ArrayLike<number> = (series) =>
    scoreCsvLikeDetectCommand(series.text, series.values.length),
): NabEvaluation {
  const started = performance.now();
  const files: (ScoredFile & { series: NabSeries })[] = corpus.map((series) => ({
    series,
    scores: score(series),
    rows: labelRows(series.values.length, series.windows),
  }));
  const detectSeconds = (performance.now() - started) / 1000;
  const profiles = NAB_PROFILES.map((profile) => optimiseThreshold(files, profile));
  return {
    profiles,
    files: files.map((file) => ({
      name: file.series.name,
      rows: file.series.values.length,
      windows: file.rows.windowCount,
      byProfile: profiles.map((result) =>
        scoreFile(file.scores, file.rows, result.threshold, result.profile),
      ),
    })),
    points: files.reduce((sum, file) => sum + file.scores.length, 0),
    detectSeconds,
  };
}

/** The report `npm run eval:nab` prints. */
export function formatNabReport(evaluation: NabEvaluation): string {
  const lines = [
    `NAB scores of the production detector: ${evaluation.files.length} files, ${evaluation.points} points, scored in ${evaluation.detectSeconds.toFixed(2)} s (CSV reading included; npm run bench:detect measures throughput)`,
    '',
    'profile               normalised  threshold  raw',
  ];
  for (const result of evaluation.profiles) {
    lines.push(
      `${result.profile.name.padEnd(22)}${result.normalised.toFixed(2).padStart(10)}  ${result.threshold.toFixed(4).padStart(9)}  ${result.raw.toFixed(3)}`,
    );
  }
  lines.push(
    '',
    'per file (tp/fp/fn, raw score) under standard | reward_low_FP_rate | reward_low_FN_rate:',
  );
  for (const file of evaluation.files) {
    const cells = file.byProfile.map(
      (s) => `${s.tp}/${s.fp}/${s.fn} ${s.raw.toFixed(2).padStart(6)}`,
    );
    lines.push(
      `  ${file.name.padEnd(58)} ${String(file.windows).padStart(2)} windows  ${cells.join(' | ')}`,
    );
  }
  return lines.join('\n');
}
