import { OPEN_STATES, type Alert, type AlertState } from './model.ts';

export interface AlertFilter {
  /** States to keep; `open` stands for every state before resolved. */
  states?: readonly string[];
  layer?: string;
  /** A region id in any grid system (or the alert's district). */
  region?: string;
  severities?: readonly string[];
  /** At most this many; 100 by default. */
  limit?: number;
  /** The alerts as they stood at this time (epoch ms): opened by then, in their state then. */
  at?: number;
}

/** The alerts that pass the filter, newest (highest id) first. */
export function filterAlerts(alerts: Iterable<Alert>, filter: AlertFilter): Alert[] {
  const states = filter.states?.flatMap((s) => (s === 'open' ? [...OPEN_STATES] : [s]));
  const limit = filter.limit ?? 100;
  const out: Alert[] = [];
  for (const alert of [...alerts].sort((a, b) => b.seq - a.seq)) {
    if (out.length >= limit) break;
    const state = filter.at === undefined ? alert.state : stateAt(alert, filter.at);
    if (state === undefined) continue;
    if (states && !states.includes(state)) continue;
    if (filter.layer && alert.layer !== filter.layer) continue;
    if (filter.severities && !filter.severities.includes(alert.severity)) continue;
    if (filter.region && !inRegion(alert, filter.region)) continue;
    out.push(alert);
  }
  return out;
}

function inRegion(alert: Alert, region: string): boolean {
  return alert.place.id === region || Object.values(alert.regions).some((r) => r.id === region);
}

/**
 * The alert's state at time `t` as its audit trail tells it (the latest step at or before `t`),
 * or undefined when it had not opened by then.
 */
export function stateAt(alert: Alert, t: number): AlertState | undefined {
  let state: AlertState | undefined;
  let latest = -Infinity;
  for (const entry of alert.audit) {
    if (entry.at <= t && entry.at >= latest) {
      latest = entry.at;
      state = entry.to;
    }
  }
  return state;
}
