import type { FindingKind } from './finding.ts';

/**
 * Conditions that only show over many readings: a sustained shift away from the usual level,
 * a slow drift, a change in roughness. Each is reported once per episode; an episode ends
 * when the series is back near its usual behaviour.
 */
export interface Episodes {
  /** Consecutive readings at least SHIFT_SIGMAS from the usual level, signed by direction. */
  run: number;
  /** Time-weighted mean of the signed deviation in sigmas (about half a day of memory). */
  meanSigmas: number;
  lastTsMs: number;
  /** The step of the mean for the latest interval, kept while the cadence is steady. */
  lastDtMs: number;
  lastAlpha: number;
  levelOpen: boolean;
  varianceOpen: boolean;
}

const SHIFT_SIGMAS = 3;
const DRIFT_MEAN_SIGMAS = 1;
const MEAN_TAU_MS = 12 * 3_600_000;
const VARIANCE_RATIO = 3;

export function createEpisodes(): Episodes {
  return {
    run: 0,
    meanSigmas: 0,
    lastTsMs: Number.NaN,
    lastDtMs: 0,
    lastAlpha: 0,
    levelOpen: false,
    varianceOpen: false,
  };
}

/** What opened at this reading, if anything. */
export interface EpisodeStart {
  kind: FindingKind;
  /** The deviation (sigmas) or the roughness ratio that opened it. */
  measure: number;
}

/**
 * Adds one reading: `sigmas` is its signed deviation from the seasonal level (NaN while
 * unknown), `roughness` the short/long step-size ratio, `rareLevel` whether the smoothed level
 * is one the series has seldom held. Returns the episode that starts here, if any.
 */
export function trackEpisodes(
  e: Episodes,
  tsMs: number,
  sigmas: number,
  roughness: number,
  rareLevel: boolean,
  shiftRun: number,
): EpisodeStart | undefined {
  let start: EpisodeStart | undefined;
  if (!Number.isNaN(sigmas)) {
    const dtMs = Number.isNaN(e.lastTsMs) ? 0 : Math.max(tsMs - e.lastTsMs, 0);
    if (dtMs !== e.lastDtMs) {
      e.lastDtMs = dtMs;
      e.lastAlpha = 1 - Math.exp(-dtMs / MEAN_TAU_MS);
    }
    const alpha = e.lastAlpha;
    const clipped = Math.max(Math.min(sigmas, 10), -10);
    e.meanSigmas += alpha * (clipped - e.meanSigmas);
    const same = Math.sign(sigmas) === Math.sign(e.run);
    e.run =
      Math.abs(sigmas) >= SHIFT_SIGMAS ? (same ? e.run + Math.sign(sigmas) : Math.sign(sigmas)) : 0;
    if (!e.levelOpen && Math.abs(e.run) >= shiftRun) {
      e.levelOpen = true;
      start = { kind: rareLevel ? 'level_shift' : 'pattern_change', measure: sigmas };
    } else if (!e.levelOpen && Math.abs(e.meanSigmas) >= DRIFT_MEAN_SIGMAS) {
      e.levelOpen = true;
      start = { kind: 'drift', measure: e.meanSigmas };
    } else if (e.levelOpen && e.run === 0 && Math.abs(e.meanSigmas) < DRIFT_MEAN_SIGMAS / 2) {
      e.levelOpen = false;
    }
  }
  e.lastTsMs = tsMs;
  const rough = roughness >= VARIANCE_RATIO || roughness <= 1 / VARIANCE_RATIO;
  if (!e.varianceOpen && rough) {
    e.varianceOpen = true;
    start ??= { kind: 'variance_change', measure: roughness };
  } else if (e.varianceOpen && roughness < 1.5 && roughness > 1 / 1.5) {
    e.varianceOpen = false;
  }
  return start;
}
