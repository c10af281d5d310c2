import { findLayer } from '@sensegrid/twin';
import { alertTitle } from './alert-shape.ts';
import type { Alert } from './model.ts';

const SENSORS_LISTED = 10;
const EVOLUTION_BUCKETS = 6;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const score2 = (score: number) => score.toFixed(2);

/**
 * The incident brief: what, where (in every grid system), since when, how it evolves, which
 * sensors and which department. Built only from the alert's data, so the same alert always
 * reads the same.
 */
export function briefOf(alert: Alert, systemName: (id: string) => string): string {
  const layer = findLayer(alert.layer)?.name ?? alert.layer;
  const kinds = new Map<string, number>();
  for (const m of alert.members.values()) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + m.count);
  const kindText = [...kinds]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n} ${kind.replace(/_/g, ' ')}`)
    .join(', ');
  const where = Object.entries(alert.regions)
    .map(([system, region]) => `${systemName(system)}: ${region.name} (${region.id})`)
    .join('; ');
  const condition =
    alert.clearSince === null
      ? 'condition still active'
      : `condition clear since ${iso(alert.clearSince)}`;
  const lines = [
    `${alertTitle(alert)}: ${alert.severity}, ${alert.state.replace('_', ' ')}.`,
    `What: ${alert.findings} finding${alert.findings === 1 ? '' : 's'} on the ${layer} layer (${kindText}); strongest score ${score2(alert.maxScore)}.`,
    `Where: ${where || alert.place.name}.`,
    `Since: ${iso(alert.openedAt)}; last finding ${iso(alert.lastSignalAt)}; ${condition}.`,
    `Evolution: ${evolutionOf(alert)}`,
    `Sensors: ${sensorsOf(alert)}`,
    `Department: ${departmentOf(alert)}`,
  ];
  return lines.join('\n');
}

function evolutionOf(alert: Alert): string {
  const times = alert.timeline.map(([t]) => t);
  const span = alert.lastSignalAt - alert.openedAt;
  let text: string;
  if (times.length < 2 || span <= 0) {
    text = `${times.length} finding${times.length === 1 ? '' : 's'} at ${iso(alert.openedAt)}`;
  } else {
    const buckets = Math.min(EVOLUTION_BUCKETS, times.length);
    const width = span / buckets;
    const counts = new Array<number>(buckets).fill(0);
    for (const t of times)
      counts[Math.min(buckets - 1, Math.floor((t - alert.openedAt) / width))]!++;
    const first = counts[0]!;
    const last = counts[buckets - 1]!;
    const trend = last > first ? 'rising' : last < first ? 'easing' : 'steady';
    text = `findings per ${durationOf(width)} since the start: ${counts.join(', ')} (${trend})`;
  }
  const flaps =
    alert.flaps > 0
      ? `; cleared and came back ${alert.flaps} time${alert.flaps === 1 ? '' : 's'}`
      : '';
  return `${text}${flaps}.`;
}

function sensorsOf(alert: Alert): string {
  const bySource = new Map<string, { count: number; score: number; parts: string[] }>();
  for (const m of alert.members.values()) {
    const source = m.device ?? `region ${m.region ?? '?'}`;
    let entry = bySource.get(source);
    if (!entry) bySource.set(source, (entry = { count: 0, score: 0, parts: [] }));
    entry.count += m.count;
    entry.score = Math.max(entry.score, m.score);
    entry.parts.push(`${m.metric ? `${m.metric} ` : ''}${m.kind.replace(/_/g, ' ')} x${m.count}`);
  }
  const ranked = [...bySource].sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1));
  const listed = ranked
    .slice(0, SENSORS_LISTED)
    .map(([source, e]) => `${source} (${e.parts.join(', ')}; max ${score2(e.score)})`);
  const more = ranked.length > SENSORS_LISTED ? `, and ${ranked.length - SENSORS_LISTED} more` : '';
  return `${ranked.length}: ${listed.join('; ')}${more}.`;
}

function departmentOf(alert: Alert): string {
  const route = alert.rule === 'default' ? 'the default department' : `rule ${alert.rule}`;
  const steps: string[] = [];
  if (alert.dispatchedAt !== null) steps.push(`dispatched ${iso(alert.dispatchedAt)}`);
  if (alert.acceptedAt !== null) steps.push(`accepted ${iso(alert.acceptedAt)}`);
  if (alert.resolvedAt !== null) steps.push(`resolved ${iso(alert.resolvedAt)}`);
  if (alert.escalated > 0) steps.push(`escalated ${alert.escalated}x`);
  return `${alert.department} (by ${route})${steps.length ? `; ${steps.join(', ')}` : '; not dispatched yet'}.`;
}

function durationOf(ms: number): string {
  if (ms < 90_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
}
