import { ALERT_SEVERITIES, type AlertSeverity } from '@sensegrid/twin';
import { OPEN_STATES, type AlertState, type AlertSummary } from './alert-types.ts';

/** What the alert list shows; `state` is one state, `open` (before resolved) or `all`. */
export interface AlertFilters {
  state: AlertState | 'open' | 'all';
  layer: string;
  severity: AlertSeverity | '';
  /** Free text matched against the incident's places (in every grid system) and title. */
  region: string;
}

export const DEFAULT_FILTERS: AlertFilters = { state: 'open', layer: '', severity: '', region: '' };

export function matchesFilters(alert: AlertSummary, filters: AlertFilters): boolean {
  if (filters.state === 'open' && !OPEN_STATES.includes(alert.state)) return false;
  if (filters.state !== 'open' && filters.state !== 'all' && alert.state !== filters.state)
    return false;
  if (filters.layer && alert.layer !== filters.layer) return false;
  if (filters.severity && alert.severity !== filters.severity) return false;
  const text = filters.region.trim().toLowerCase();
  if (!text) return true;
  const places = [alert.place, ...Object.values(alert.regions ?? {})];
  return (
    alert.title.toLowerCase().includes(text) ||
    places.some((p) => p.name.toLowerCase().includes(text) || p.id.toLowerCase() === text)
  );
}

/** Newest first (by when the incident opened), ties by id so the order is stable. */
export function newestFirst(a: AlertSummary, b: AlertSummary): number {
  return b.openedAt - a.openedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The alerts the filters let through, newest first. */
export function filterAlerts(
  alerts: Iterable<AlertSummary>,
  filters: AlertFilters,
): AlertSummary[] {
  const shown: AlertSummary[] = [];
  for (const alert of alerts) if (matchesFilters(alert, filters)) shown.push(alert);
  return shown.sort(newestFirst);
}

/** Counts by severity, worst first (the order of ALERT_SEVERITIES). */
export function countBySeverity(alerts: readonly AlertSummary[]): number[] {
  const counts = ALERT_SEVERITIES.map(() => 0);
  for (const alert of alerts) {
    const at = ALERT_SEVERITIES.indexOf(alert.severity);
    if (at >= 0) counts[at]!++;
  }
  return counts;
}

/**
 * The query string the API filters by (the region text is matched here, in the console);
 * with `atMs`, as the alerts stood at that moment.
 */
export function filtersToQuery(filters: AlertFilters, limit: number, atMs?: number): string {
  const params = new URLSearchParams();
  if (atMs !== undefined) params.set('at', String(Math.round(atMs)));
  if (filters.state !== 'all') params.set('state', filters.state);
  if (filters.layer) params.set('layer', filters.layer);
  if (filters.severity) params.set('severity', filters.severity);
  params.set('limit', String(limit));
  return params.toString();
}

/** Keeps the newer of two versions of one alert (live messages may overtake a fetch). */
export function newerAlert<T extends AlertSummary>(known: T | undefined, incoming: T): T {
  return known && known.updatedAt > incoming.updatedAt ? known : incoming;
}
