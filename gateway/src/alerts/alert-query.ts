import { OPEN_STATES, type Alert } from './model.ts';

export interface AlertFilter {
  /** States to keep; `open` stands for every state before resolved. */
  states?: readonly string[];
  layer?: string;
  /** A region id in any grid system (or the alert's district). */
  region?: string;
  severities?: readonly string[];
  /** At most this many; 100 by default. */
  limit?: number;
}

/** The alerts that pass the filter, newest (highest id) first. */
export function filterAlerts(alerts: Iterable<Alert>, filter: AlertFilter): Alert[] {
  const states = filter.states?.flatMap((s) => (s === 'open' ? [...OPEN_STATES] : [s]));
  const limit = filter.limit ?? 100;
  const out: Alert[] = [];
  for (const alert of [...alerts].sort((a, b) => b.seq - a.seq)) {
    if (out.length >= limit) break;
    if (states && !states.includes(alert.state)) continue;
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
