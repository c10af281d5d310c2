/**
 * A stuck sensor: the same value over and over from a series that used to vary. A run counts
 * once it is both `flatlineMinRun` long and `flatlineRunFactor` times the longest earlier run,
 * so a series whose normal life has long constant stretches (zeros between spikes) is judged
 * against those.
 */
export interface StuckRun {
  value: number;
  length: number;
  /** Longest run that ended without being called stuck. */
  longest: number;
  /** Whether the series has shown two different values before the current run. */
  varied: boolean;
  /** Whether the current run has been reported as stuck. */
  reported: boolean;
}

export function createStuckRun(): StuckRun {
  return { value: Number.NaN, length: 0, longest: 0, varied: false, reported: false };
}

/** Adds `x`; returns the length of the current run when it counts as stuck, else 0. */
export function trackStuckRun(run: StuckRun, x: number, minRun: number, factor: number): number {
  if (x === run.value) {
    run.length++;
  } else {
    if (run.length > 0) {
      if (!isStuck(run, minRun, factor) && run.length > run.longest) run.longest = run.length;
      run.varied = true;
    }
    run.value = x;
    run.length = 1;
    run.reported = false;
  }
  return isStuck(run, minRun, factor) ? run.length : 0;
}

function isStuck(run: StuckRun, minRun: number, factor: number): boolean {
  return run.varied && run.length >= minRun && run.length > factor * run.longest;
}
