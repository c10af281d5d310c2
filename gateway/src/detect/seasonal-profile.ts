import type { DetectorOptions } from './options.ts';
import {
  MAD_TO_SIGMA,
  type RobustLevels,
  updateRobustLevel,
  weightedAlpha,
} from './robust-level.ts';

const DAY_MS = 86_400_000;
/** 1970-01-01 was a Thursday; this makes Monday day 0 of the week. */
const EPOCH_WEEKDAY = 3;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function localMs(tsMs: number, options: DetectorOptions): number {
  return tsMs + options.utcOffsetMinutes * 60_000;
}

/** The time-of-day slot of a time, after the configured UTC offset. */
export function daySlotOf(tsMs: number, options: DetectorOptions): number {
  const dayMs = ((localMs(tsMs, options) % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.floor(dayMs / (DAY_MS / options.slotsPerDay));
}

/** The time-of-week slot (Monday's first slot is 0). */
export function weekSlotOf(tsMs: number, options: DetectorOptions): number {
  const day = Math.floor(localMs(tsMs, options) / DAY_MS) + EPOCH_WEEKDAY;
  return (((day % 7) + 7) % 7) * options.slotsPerDay + daySlotOf(tsMs, options);
}

/** "08:00" for a day slot, "Tuesday 08:00" for a week slot. */
export function slotLabel(slot: number, weekly: boolean, options: DetectorOptions): string {
  const daySlot = slot % options.slotsPerDay;
  const minutes = Math.round((daySlot * 1440) / options.slotsPerDay);
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return weekly ? `a ${WEEKDAYS[Math.floor(slot / options.slotsPerDay)]} ${time}` : time;
}

/** Signed deviation of `x` from a slot in robust sigmas, or NaN while the slot is still learning. */
export function seasonalSigmas(
  profile: RobustLevels,
  slot: number,
  x: number,
  floorSigma: number,
  options: DetectorOptions,
): number {
  if (profile.weight[slot]! < options.seasonalMinWeight) return Number.NaN;
  return (x - profile.level[slot]!) / slotSigma(profile, slot, floorSigma);
}

export function slotSigma(profile: RobustLevels, slot: number, floorSigma: number): number {
  return Math.max(profile.spread[slot]! * MAD_TO_SIGMA, floorSigma);
}

/** The weight of an update that comes `intervalMs` after the previous reading (at most 1). */
export function updateWeight(intervalMs: number, options: DetectorOptions): number {
  return Math.min(Math.max(intervalMs / options.referenceIntervalMs, 0.01), 1);
}

/** A slot step for updates of weight `w`, remembered across readings at a steady cadence. */
export interface SlotStep {
  w: number;
  alpha: number;
}

export function slotStep(step: SlotStep, w: number, options: DetectorOptions): SlotStep {
  if (step.w !== w) {
    step.w = w;
    step.alpha = weightedAlpha(options.seasonalAlpha, w);
  }
  return step;
}

/** Learns `x` into a slot with the step for this reading's weight. */
export function learnSeasonal(
  profile: RobustLevels,
  slot: number,
  x: number,
  step: SlotStep,
  options: DetectorOptions,
): void {
  updateRobustLevel(profile, slot, x, step.alpha, options.huberClip, step.w);
}
