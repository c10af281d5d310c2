/**
 * A stuck sensor: the same value over and over from a series that used to vary. A run counts
 * once it is `flatlineMinRun` readings long, `flatlineRunFactor` times the longest earlier run,
 * so a series whose normal life has long constant stretches (zeros between spikes) is judged
 * against those, and `flatlineMinMs` long: a sensor reporting every second repeats a whole
 * number (0 % occupancy, 50 vehicles/h) for many readings without being stuck.
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
  /** Time of the current run's first reading, epoch ms. */
  since: number;
}

export interface StuckRule {
  minRun: number;
  factor: number;
  minMs: number;
}

export function createStuckRun(): StuckRun {
  return { value: Number.NaN, length: 0, longest: 0, varied: false, reported: false, since: 0 };
}

/** Adds `x` read at `tsMs`; returns the length of the current run when it counts as stuck, else 0. */
export function trackStuckRun(run: StuckRun, x: number, tsMs: number, rule: StuckRule): number {
  if (x === run.value) {
    run.length++;
  } else {
    if (run.length > 0) {
      if (!run.reported && run.length > run.longest) run.longest = run.length;
      run.varied = true;
    }
    run.value = x;
    run.length = 1;
    run.reported = false;
    run.since = tsMs;
  }
  return isStuck(run, tsMs, rule) ? run.length : 0;
}

function isStuck(run: StuckRun, tsMs: number, rule: StuckRule): boolean {
  return (
    run.varied &&
    run.length >= rule.minRun &&
    run.length > rule.factor * run.longest &&
    tsMs - run.since >= rule.minMs
  );
}
