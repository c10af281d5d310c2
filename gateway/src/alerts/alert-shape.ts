import { findLayer } from '@sensegrid/twin';
import type { Alert } from './model.ts';
import { ADMIN_SYSTEM } from './placement.ts';
import { severityOf, severityRank } from './severity.ts';

/**
 * Brings an alert's severity, dominant kind and regions in line with its members: the region
 * of each grid system is the one most members are in (the first seen on a tie), the
 * administrative one is the alert's place. Severity only ever rises.
 */
export function summariseMembers(alert: Alert, regionName: (id: string) => string): void {
  const sources = new Set<string>();
  const kinds = new Map<string, number>();
  const regionCounts = new Map<string, Map<string, number>>();
  for (const m of alert.members.values()) {
    sources.add(m.device ?? `region:${m.region ?? ''}`);
    kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + m.count);
    for (const [system, id] of Object.entries(m.regions)) {
      let counts = regionCounts.get(system);
      if (!counts) regionCounts.set(system, (counts = new Map()));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  const severity = severityOf(alert.maxScore, alert.layer, sources.size);
  if (severityRank(severity) < severityRank(alert.severity)) alert.severity = severity;
  alert.kind = mostCommon(kinds) ?? alert.kind;
  const regions: Alert['regions'] = {};
  for (const [system, counts] of regionCounts) {
    const id = system === ADMIN_SYSTEM ? alert.place.id : mostCommon(counts)!;
    regions[system] = { id, name: regionName(id) };
  }
  alert.regions = regions;
}

function mostCommon(counts: Map<string, number>): string | undefined {
  let best: string | undefined;
  let bestCount = -1;
  for (const [key, count] of counts) {
    if (count > bestCount) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}

/** "Water network level shift in Riverside". */
export function alertTitle(alert: Pick<Alert, 'layer' | 'kind' | 'place'>): string {
  const layer = findLayer(alert.layer)?.name ?? alert.layer;
  return `${layer} ${alert.kind.replace(/_/g, ' ')} in ${alert.place.name}`;
}
