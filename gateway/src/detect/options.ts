import type { MetricSpec } from '@sensegrid/twin';
import { SensegridError } from '../errors.ts';
import { type CalibrationOptions, DEFAULT_CALIBRATION } from './tail-calibrator.ts';

/**
 * The tuning of the per-series detector. Counts in points are readings of that series; the
 * defaults are the production values (`sensegrid detect` and `npm run eval:nab` use them).
 */
export interface DetectorOptions {
  /** Readings before any score is given; the level histogram's range is learnt over them. */
  warmupPoints: number;
  /** Time-of-day slots of the seasonal baseline (24: one per hour). */
  slotsPerDay: number;
  /** Shifts the day the slots cover, so slot 8 is 08:00 local time. */
  utcOffsetMinutes: number;
  /** A reading this far apart from the previous one counts as one full update of its slot. */
  referenceIntervalMs: number;
  /** Step of a slot's level for one full update (1.6 days of memory at 5-minute readings). */
  seasonalAlpha: number;
  /** Full updates a slot needs before its deviations count. */
  seasonalMinWeight: number;
  /** Residuals are clipped at this many robust sigmas before they update a level. */
  huberClip: number;
  /** Step of the whole-series level, which sets the smallest spread a slot may claim. */
  globalAlpha: number;
  /** A slot's sigma is at least this fraction of the whole-series spread... */
  spreadFloorFraction: number;
  /** ...and at least this fraction of the range seen so far. */
  rangeFloorFraction: number;
  /** Step of the smoothed level whose rarity finds level shifts and pattern changes. */
  levelAlpha: number;
  /** Bins of the level histogram across the warm-up range. */
  levelBins: number;
  /** Surprise (nats) is mapped to a score as 1 - exp(-nats / scoreScaleNats). */
  scoreScaleNats: number;
  /** After an alarm, readings during which only a higher score is reported again. */
  suppressPoints: number;
  /**
   * Statistical scores at or above this become findings. Higher than the NAB-optimal
   * threshold (about 0.53): a clean, noisy series gives no findings, at the cost of missing
   * the mildest anomalies. Rule-based kinds are reported whatever their score.
   */
  reportScore: number;
  /** Identical readings in a row before a once-varying series counts as stuck. */
  flatlineMinRun: number;
  /** ...and the run must also be this many times longer than any earlier run... */
  flatlineRunFactor: number;
  /** ...and last this long (ms): a second-by-second sensor repeats whole numbers for a while. */
  flatlineMinMs: number;
  /** Score of a stuck-sensor finding, and the point score while stuck (below the usual alarm level). */
  flatlineScore: number;
  /** A gap longer than this many usual intervals is missing data. */
  missingIntervals: number;
  /** Score of a missing-data finding, and the point score of the reading after the gap. */
  missingScore: number;
  /** Readings in a row 3 or more sigmas off the usual level that make a sustained shift. */
  shiftPoints: number;
  /** The metric's ranges, when known: readings outside `physical` are out of range. */
  metric: MetricSpec | undefined;
  calibration: CalibrationOptions;
}

export const DEFAULT_DETECTOR_OPTIONS: Readonly<DetectorOptions> = Object.freeze({
  warmupPoints: 150,
  slotsPerDay: 24,
  utcOffsetMinutes: 0,
  referenceIntervalMs: 300_000,
  seasonalAlpha: 0.05,
  seasonalMinWeight: 20,
  huberClip: 2,
  globalAlpha: 0.005,
  spreadFloorFraction: 0.2,
  rangeFloorFraction: 0.01,
  levelAlpha: 0.2,
  levelBins: 20,
  scoreScaleNats: 10,
  suppressPoints: 200,
  reportScore: 0.6,
  flatlineMinRun: 12,
  flatlineRunFactor: 3,
  flatlineMinMs: 10 * 60_000,
  flatlineScore: 0.5,
  missingIntervals: 5,
  missingScore: 0.45,
  shiftPoints: 12,
  metric: undefined,
  calibration: DEFAULT_CALIBRATION,
});

const COUNTS = [
  'warmupPoints',
  'slotsPerDay',
  'suppressPoints',
  'flatlineMinRun',
  'shiftPoints',
] as const;
const FRACTIONS = [
  'seasonalAlpha',
  'globalAlpha',
  'levelAlpha',
  'reportScore',
  'flatlineScore',
  'missingScore',
] as const;

/** The defaults with `overrides` applied, checked and frozen. */
export function resolveDetectorOptions(overrides: Partial<DetectorOptions> = {}): DetectorOptions {
  const options = { ...DEFAULT_DETECTOR_OPTIONS, ...overrides };
  const problems = [
    ...COUNTS.filter((key) => !Number.isInteger(options[key]) || options[key] < 1).map(
      (key) => `${key} must be a whole number of at least 1 (got ${options[key]})`,
    ),
    ...FRACTIONS.filter((key) => !(options[key] >= 0 && options[key] <= 1)).map(
      (key) => `${key} must be between 0 and 1 (got ${options[key]})`,
    ),
  ];
  if (problems.length > 0) {
    throw new SensegridError(
      'SENSEGRID_DETECT_BAD_OPTION',
      `${problems.join('; ')}.`,
      'Leave the option out to use its default.',
    );
  }
  return Object.freeze(options);
}
