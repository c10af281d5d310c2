import { findLayer } from '@sensegrid/twin';
import { alertId, type Alert, type AlertClock, type AlertMember } from './model.ts';
import type { SignalPlace } from './placement.ts';
import type { Signal } from './signal.ts';
import { ADMIN_SYSTEM } from './placement.ts';
import { severityOf, severityRank } from './severity.ts';

/**
 * Running tallies of an alert's members, so each finding updates the alert in time
 * independent of how many members it has (a storm of thousands stays cheap).
 */
export class MemberStats {
  private readonly kinds = new Map<string, number>();
  private readonly regionCounts = new Map<string, Map<string, number>>();
  private readonly sources = new Set<string>();
  private devices = 0;

  /** Tallies built from an alert's members (after a restart). */
  static of(alert: Alert): MemberStats {
    const stats = new MemberStats();
    for (const m of alert.members.values()) stats.add(m, true, m.count);
    return stats;
  }

  /** Counts `findings` more findings of `member`; `isNew` when it just joined. */
  add(member: AlertMember, isNew: boolean, findings = 1): void {
    this.kinds.set(member.kind, (this.kinds.get(member.kind) ?? 0) + findings);
    if (!isNew) return;
    const source = member.device ?? `region:${member.region ?? ''}`;
    if (!this.sources.has(source)) {
      this.sources.add(source);
      if (member.device !== undefined) this.devices++;
    }
    for (const [system, id] of Object.entries(member.regions)) {
      let counts = this.regionCounts.get(system);
      if (!counts) this.regionCounts.set(system, (counts = new Map()));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }

  /**
   * Brings the alert's severity, dominant kind, device count and regions in line: the region
   * of each grid system is the one most members are in (the first seen on a tie), the
   * administrative one is the alert's place. Severity only ever rises.
   */
  applyTo(alert: Alert, regionName: (id: string) => string): void {
    const severity = severityOf(alert.maxScore, alert.layer, this.sources.size);
    if (severityRank(severity) < severityRank(alert.severity)) alert.severity = severity;
    alert.kind = mostCommon(this.kinds) ?? alert.kind;
    alert.devices = this.devices;
    const regions: Alert['regions'] = {};
    for (const [system, counts] of this.regionCounts) {
      const id = system === ADMIN_SYSTEM ? alert.place.id : mostCommon(counts)!;
      regions[system] = { id, name: regionName(id) };
    }
    alert.regions = regions;
  }
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

/** A new, empty alert opened by `signal` (the signal joins it next). */
export function newAlert(
  seq: number,
  signal: Signal,
  where: SignalPlace,
  department: string,
  clock: AlertClock,
): Alert {
  return {
    id: alertId(seq),
    seq,
    state: 'discovered',
    severity: 'warning',
    layer: signal.layer,
    kind: signal.kind,
    place: where.place,
    regions: {},
    ...(where.center ? { center: where.center } : {}),
    department,
    rule: 'default',
    clock,
    openedAt: signal.tsMs,
    updatedAt: signal.tsMs,
    lastSignalAt: signal.tsMs,
    clearSince: null,
    findings: 0,
    devices: 0,
    maxScore: 0,
    flaps: 0,
    escalated: 0,
    escalatedStep: null,
    dispatchedAt: null,
    acceptedAt: null,
    resolvedAt: null,
    evaluation: null,
    members: new Map(),
    timeline: [],
    audit: [],
  };
}
