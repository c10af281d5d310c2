import type { AlertDetail, AlertSummary } from '@sensegrid/twin';
import { alertTitle } from './alert-shape.ts';
import type { Alert } from './model.ts';
import { briefOf } from './brief.ts';
import type { AlertRules } from './rules.ts';
import { slaDueAt } from './workflow.ts';

// The shapes live in the twin, which the console reads them from too.
export type { AlertDetail, AlertSummary } from '@sensegrid/twin';

export function summaryOf(alert: Alert, rules: AlertRules, nowMs: number): AlertSummary {
  const due = slaDueAt(alert, rules);
  return {
    id: alert.id,
    state: alert.state,
    severity: alert.severity,
    layer: alert.layer,
    kind: alert.kind,
    title: alertTitle(alert),
    place: alert.place,
    regions: alert.regions,
    ...(alert.center ? { center: alert.center } : {}),
    department: alert.department,
    members: alert.members.size,
    devices: alert.devices,
    findings: alert.findings,
    openedAt: alert.openedAt,
    updatedAt: alert.updatedAt,
    lastSignalAt: alert.lastSignalAt,
    clearSince: alert.clearSince,
    resolvedAt: alert.resolvedAt,
    slaDueAt: due,
    overdue: due !== null && nowMs > due,
    escalated: alert.escalated,
    flaps: alert.flaps,
  };
}

export function detailOf(
  alert: Alert,
  rules: AlertRules,
  nowMs: number,
  systemName: (id: string) => string,
): AlertDetail {
  const members = [...alert.members.values()].sort(
    (a, b) => b.score - a.score || a.firstTs - b.firstTs || (a.key < b.key ? -1 : 1),
  );
  return {
    ...summaryOf(alert, rules, nowMs),
    brief: briefOf(alert, systemName),
    memberList: members.map((m) => ({
      device: m.device ?? null,
      region: m.region ?? null,
      metric: m.metric ?? null,
      kind: m.kind,
      count: m.count,
      score: m.score,
      firstTs: m.firstTs,
      lastTs: m.lastTs,
      explanation: m.explanation,
    })),
    audit: alert.audit,
    ...(alert.evaluation ? { evaluation: alert.evaluation } : {}),
  };
}
