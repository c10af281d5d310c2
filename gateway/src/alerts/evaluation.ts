import type { Alert } from './model.ts';

export const EVALUATION_GROUPINGS = ['department', 'layer', 'day', 'week'] as const;
export type EvaluationGrouping = (typeof EVALUATION_GROUPINGS)[number];

/** Figures of one group of alerts (one department, layer or period). */
export interface EvaluationGroup {
  key: string;
  department?: string;
  layer?: string;
  period?: string;
  alerts: number;
  resolved: number;
  falseAlarms: number;
  /** False alarms per alert, 0..1. */
  falseAlarmRate: number;
  medianDispatchMs: number | null;
  medianAcceptMs: number | null;
  medianResolveMs: number | null;
  /** Resolutions within every SLA step, per resolution, 0..1; null without resolutions. */
  slaCompliance: number | null;
  ratingMean: number | null;
  /** How many resolutions were rated. */
  ratings: number;
  /** Ratings 1..5: how many of each. */
  ratingCounts: [number, number, number, number, number];
}

const DAY_MS = 86_400_000;

function groupKey(alert: Alert, by: EvaluationGrouping): string {
  if (by === 'department') return alert.department;
  if (by === 'layer') return alert.layer;
  const day = Math.floor(alert.openedAt / DAY_MS);
  // Weeks start on Monday; 1970-01-01 was a Thursday.
  const start = by === 'day' ? day : day - ((day + 3) % 7);
  return new Date(start * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Evaluation of the loop per department, layer or period (UTC day, or week from Monday) for
 * alerts first seen within [from, to]: counts, median step times, SLA compliance, ratings and
 * the false-alarm rate. Groups come sorted by key.
 */
export function evaluate(
  alerts: Iterable<Alert>,
  by: EvaluationGrouping,
  from = -Infinity,
  to = Infinity,
): EvaluationGroup[] {
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    if (alert.openedAt < from || alert.openedAt > to) continue;
    const key = groupKey(alert, by);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(alert);
  }
  return [...groups.keys()].sort().map((key) => {
    const list = groups.get(key)!;
    const evaluations = list.flatMap((a) => (a.evaluation ? [a.evaluation] : []));
    const rated = evaluations.flatMap((e) => (e.rating === null ? [] : [e.rating]));
    const ratingCounts: EvaluationGroup['ratingCounts'] = [0, 0, 0, 0, 0];
    for (const r of rated) ratingCounts[r - 1]!++;
    const falseAlarms = list.filter((a) => a.state === 'cancelled').length;
    const field = by === 'department' || by === 'layer' ? by : 'period';
    return {
      key,
      [field]: key,
      alerts: list.length,
      resolved: evaluations.length,
      falseAlarms,
      falseAlarmRate: falseAlarms / list.length,
      medianDispatchMs: median(evaluations.map((e) => e.dispatchMs)),
      medianAcceptMs: median(evaluations.map((e) => e.acceptMs)),
      medianResolveMs: median(evaluations.map((e) => e.resolveMs)),
      slaCompliance:
        evaluations.length === 0
          ? null
          : evaluations.filter((e) => e.slaMet).length / evaluations.length,
      ratingMean: rated.length === 0 ? null : rated.reduce((s, r) => s + r, 0) / rated.length,
      ratings: rated.length,
      ratingCounts,
    };
  });
}

/** The median of the known values (the mean of the middle two for an even count). */
export function median(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const mid = Math.floor(known.length / 2);
  return known.length % 2 === 1 ? known[mid]! : (known[mid - 1]! + known[mid]!) / 2;
}
