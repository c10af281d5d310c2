/**
 * Keeps one anomaly from raising a string of alarms: after a score is reported, later scores
 * within `suppressPoints` readings are reported only when higher than it, and as 0 otherwise.
 * This works for any threshold a reader applies, since what passes the gate is the same.
 */
export interface AlarmGate {
  bar: number;
  /** Point index of the last reported score; far in the past when none. */
  atPoint: number;
}

export function createAlarmGate(): AlarmGate {
  return { bar: 0, atPoint: Number.NEGATIVE_INFINITY };
}

export function passGate(
  gate: AlarmGate,
  score: number,
  pointIndex: number,
  suppressPoints: number,
): number {
  const bar = pointIndex - gate.atPoint > suppressPoints ? 0 : gate.bar;
  if (score > bar) {
    gate.bar = score;
    gate.atPoint = pointIndex;
    return score;
  }
  return 0;
}
