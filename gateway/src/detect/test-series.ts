import { createRandom, gaussian } from '@sensegrid/twin';
import type { Finding } from './finding.ts';
import type { DetectorOptions } from './options.ts';
import { createSeriesDetector } from './series-detector.ts';

/** Monday 2026-01-05 00:00 UTC. */
export const START_MS = Date.UTC(2026, 0, 5);
export const STEP_MS = 300_000;
export const DAY_POINTS = 288;

/** A daily sine around 20 (amplitude 10) with Gaussian noise, one reading every 5 minutes. */
export function seasonalSeries(points: number, seed: number, noise = 1): number[] {
  const random = createRandom(seed);
  return Array.from(
    { length: points },
    (_, i) => 20 + 10 * Math.sin((2 * Math.PI * i) / DAY_POINTS) + noise * gaussian(random),
  );
}

export interface Run {
  scores: number[];
  findings: (Finding & { index: number })[];
}

/** Runs the production detector over values (at `times`, or every 5 minutes from START_MS). */
export function runDetector(
  values: readonly number[],
  options: { times?: readonly number[]; metric?: string; detector?: Partial<DetectorOptions> } = {},
): Run {
  const detector = createSeriesDetector(options.detector);
  const state = detector.createState();
  const run: Run = { scores: [], findings: [] };
  values.forEach((value, index) => {
    const tsMs = options.times?.[index] ?? START_MS + index * STEP_MS;
    run.scores.push(detector.step(state, tsMs, value, options.metric));
    if (state.finding) run.findings.push({ ...state.finding, index });
  });
  return run;
}
