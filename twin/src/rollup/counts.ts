/** Sensors and their status, and open alerts by severity (worst first). */
export interface RollupCounts {
  sensors: number;
  online: number;
  stale: number;
  /** Offline, or never heard from. */
  offline: number;
  alerts: [critical: number, major: number, minor: number, warning: number];
}

export function emptyCounts(): RollupCounts {
  return { sensors: 0, online: 0, stale: 0, offline: 0, alerts: [0, 0, 0, 0] };
}

/** Adds `from` into `into`. */
export function addCounts(into: RollupCounts, from: RollupCounts): void {
  into.sensors += from.sensors;
  into.online += from.online;
  into.stale += from.stale;
  into.offline += from.offline;
  for (let i = 0; i < 4; i++) into.alerts[i]! += from.alerts[i]!;
}
