import type { Finding, FindingKind } from './finding.ts';
import { createAlarmGate, passGate } from './alarm-gate.ts';
import { createCadence, trackCadence, usualIntervalMs } from './cadence.ts';
import { createEpisodes, type EpisodeStart, trackEpisodes } from './episodes.ts';
import { explainFinding } from './explain.ts';
import { createLevelHistogram, levelRarity, levelShare } from './level-histogram.ts';
import { type DetectorOptions, resolveDetectorOptions } from './options.ts';
import { createRobustLevels, updateRobustLevel } from './robust-level.ts';
import {
  daySlotOf,
  learnSeasonal,
  seasonalSigmas,
  slotLabel,
  slotSigma,
  slotStep,
  updateWeight,
  weekSlotOf,
} from './seasonal-profile.ts';
import { createStuckRun, trackStuckRun } from './stuck-run.ts';
import { calibrateSurprise, createTailCalibrator } from './tail-calibrator.ts';
import { createVarianceRatio, trackVarianceRatio } from './variance-ratio.ts';

/** Everything the detector knows about one series: plain data, a few kilobytes. */
export type SeriesState = ReturnType<typeof createSeriesState>;

export function createSeriesState(options: DetectorOptions) {
  return {
    points: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    global: createRobustLevels(1),
    daily: createRobustLevels(options.slotsPerDay),
    weekly: createRobustLevels(options.slotsPerDay * 7),
    slotStep: { w: Number.NaN, alpha: 0 },
    level: createLevelHistogram(options),
    seasonalCal: createTailCalibrator(options.calibration),
    levelCal: createTailCalibrator(options.calibration),
    cadence: createCadence(),
    stuck: createStuckRun(),
    variance: createVarianceRatio(options.slotsPerDay),
    episodes: createEpisodes(),
    gate: createAlarmGate(),
    /** Whether the previous reading was outside the physical range. */
    outOfRange: false,
    /** The finding at the latest reading, if any. */
    finding: undefined as Finding | undefined,
  };
}

/** A streaming detector for one series: explicit state in, score out. */
export interface SeriesDetector {
  readonly options: DetectorOptions;
  createState(): SeriesState;
  /**
   * Scores one reading (time from the reading, never the clock) in [0, 1] and updates `state`
   * in place. `state.finding` is then the finding at this reading, if any: a spike, dip or
   * level shift when the score reaches `reportScore`; a sustained shift, drift or variance
   * change when such an episode starts; out of range, missing data or a stuck sensor once per
   * occurrence.
   */
  step(state: SeriesState, tsMs: number, value: number, metricName?: string): number;
}

/** Share of history below which a level counts as rare for naming a sustained shift. */
const RARE_LEVEL_SHARE = 0.01;

/**
 * The production detector. Its score is the larger of two surprises, each calibrated against
 * the series' own history: the reading's distance in robust sigmas from its hour-of-day or
 * hour-of-week baseline (whichever explains it better), and the rarity of the smoothed level. An alarm gate keeps one anomaly from raising
 * a string of alarms. Physical range, stuck sensors, missing data and slow episodes (shift,
 * drift, roughness) are found beside it.
 */
export function createSeriesDetector(overrides: Partial<DetectorOptions> = {}): SeriesDetector {
  const o = resolveDetectorOptions(overrides);
  const cal = o.calibration;

  function step(s: SeriesState, tsMs: number, x: number, metricName = 'value'): number {
    const i = s.points++;
    const usualMs = usualIntervalMs(s.cadence);
    const intervalMs = trackCadence(s.cadence, tsMs);
    if (x < s.min) s.min = x;
    if (x > s.max) s.max = x;
    const floorSigma = Math.max(
      s.global.spread[0]! * o.spreadFloorFraction,
      (s.max - s.min) * o.rangeFloorFraction,
      1e-9,
    );
    // The reading is judged against its hour of the day and its hour of the week, and counts
    // as unusual only when neither explains it (weekends, shift patterns).
    const daySlot = daySlotOf(tsMs, o);
    const weekSlot = weekSlotOf(tsMs, o);
    const learnt = s.global.weight[0]! > 0;
    const daySigmas = learnt ? seasonalSigmas(s.daily, daySlot, x, floorSigma, o) : Number.NaN;
    const weekSigmas = learnt ? seasonalSigmas(s.weekly, weekSlot, x, floorSigma, o) : Number.NaN;
    const weekly = !Number.isNaN(weekSigmas) && !(Math.abs(daySigmas) <= Math.abs(weekSigmas));
    const sigmas = weekly ? weekSigmas : daySigmas;
    const profile = weekly ? s.weekly : s.daily;
    const slot = weekly ? weekSlot : daySlot;
    const usualLevel = profile.level[slot]!;
    const usualSigma = slotSigma(profile, slot, floorSigma);
    // A statistic that is not defined yet is recorded as 0: "no evidence" is part of the history.
    const seasonalNats = calibrateSurprise(
      s.seasonalCal,
      Number.isNaN(sigmas) ? 0 : Math.abs(sigmas),
      cal,
    );
    const levelNats = calibrateSurprise(s.levelCal, levelRarity(s.level, x, i, o), cal);
    const w = Number.isNaN(intervalMs) ? 1 : updateWeight(intervalMs, o);
    const step = slotStep(s.slotStep, w, o);
    updateRobustLevel(s.global, 0, x, o.globalAlpha, o.huberClip);
    learnSeasonal(s.daily, daySlot, x, step, o);
    learnSeasonal(s.weekly, weekSlot, x, step, o);
    const run = trackStuckRun(s.stuck, x, tsMs, {
      minRun: o.flatlineMinRun,
      factor: o.flatlineRunFactor,
      minMs: o.flatlineMinMs,
    });
    const roughness = trackVarianceRatio(s.variance, x, floorSigma * 0.1, daySlot);
    const share = levelShare(s.level);
    const episode =
      i >= o.warmupPoints
        ? trackEpisodes(
            s.episodes,
            tsMs,
            sigmas,
            roughness,
            share < RARE_LEVEL_SHARE,
            o.shiftPoints,
          )
        : undefined;

    let kind: FindingKind = 'spike';
    let surprise = 0;
    if (i >= o.warmupPoints) {
      surprise = Math.max(seasonalNats, levelNats);
      kind = seasonalNats >= levelNats ? (sigmas >= 0 ? 'spike' : 'dip') : 'level_shift';
    }
    const statistical = 1 - Math.exp(-surprise / o.scoreScaleNats);

    // Rule-based kinds: reported once per occurrence, whatever the statistics say.
    let rule: FindingKind | undefined;
    let ruleScore = 0;
    let ruleCount = 0;
    const physical = o.metric?.physical;
    const outside = physical !== undefined && (x < physical[0] || x > physical[1]);
    const missed = intervalMs / usualMs;
    if (outside && !s.outOfRange) [rule, ruleScore] = ['out_of_range', 1];
    else if (missed > o.missingIntervals)
      [rule, ruleScore, ruleCount] = ['missing', o.missingScore, missed];
    else if (run > 0 && !s.stuck.reported)
      [rule, ruleScore, ruleCount] = ['flatline', o.flatlineScore, run];
    s.outOfRange = outside;
    if (run > 0) s.stuck.reported = true;
    const persisting = Math.max(outside ? 1 : 0, run > 0 ? o.flatlineScore : 0);

    const score = passGate(
      s.gate,
      Math.max(statistical, ruleScore, persisting),
      i,
      o.suppressPoints,
    );
    s.finding = undefined;
    if (rule !== undefined) {
      s.finding = describe(rule, Math.max(score, ruleScore), ruleCount);
    } else if (score >= o.reportScore) {
      s.finding = describe(kind, score, 0);
    } else if (episode !== undefined) {
      s.finding = describe(episode.kind, Math.max(score, o.reportScore), 0, episode);
    }
    return score;

    function describe(
      found: FindingKind,
      findingScore: number,
      count: number,
      ep?: EpisodeStart,
    ): Finding {
      return {
        kind: found,
        score: findingScore,
        tsMs,
        value: x,
        explanation: explainFinding({
          kind: found,
          metricName,
          metric: o.metric,
          value: x,
          sigmas: ep ? ep.measure : sigmas,
          usualLevel,
          usualSigma,
          slotLabel: slotLabel(slot, weekly, o),
          levelShare: share,
          count,
          intervalMs: usualMs,
        }),
      };
    }
  }

  return { options: o, createState: () => createSeriesState(o), step };
}
