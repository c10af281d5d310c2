import type { AlertSeverity } from '@sensegrid/twin';
import { alertTitle } from './alert-shape.ts';
import type { Alert, AlertState, AuditEntry, Evaluation, PlaceRef } from './model.ts';
import { briefOf } from './brief.ts';
import type { AlertRules } from './rules.ts';
import { slaDueAt } from './workflow.ts';

/** An alert as the API and the live topic show it. */
export interface AlertSummary {
  id: string;
  state: AlertState;
  severity: AlertSeverity;
  layer: string;
  kind: string;
  title: string;
  place: PlaceRef;
  regions: Record<string, { id: string; name: string }>;
  center?: { lat: number; lon: number };
  department: string;
  members: number;
  devices: number;
  findings: number;
  openedAt: number;
  updatedAt: number;
  lastSignalAt: number;
  clearSince: number | null;
  resolvedAt: number | null;
  slaDueAt: number | null;
  overdue: boolean;
  escalated: number;
  flaps: number;
}

export interface AlertDetail extends AlertSummary {
  brief: string;
  memberList: {
    device: string | null;
    region: string | null;
    metric: string | null;
    kind: string;
    count: number;
    score: number;
    firstTs: number;
    lastTs: number;
    explanation: string;
  }[];
  audit: AuditEntry[];
  evaluation?: Evaluation;
}

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
