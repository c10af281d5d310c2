import type { AlertSeverity, AlertState } from '@sensegrid/twin';

export { ALERT_STATES, OPEN_STATES, type AlertState } from '@sensegrid/twin';

export type { Role } from '../auth/session.ts';

export interface AlertPlace {
  system: string;
  id: string;
  name: string;
}

/** One incident as the list shows it (`GET /api/alerts`, and the `$twin/alerts` messages). */
export interface AlertSummary {
  id: string;
  state: AlertState;
  severity: AlertSeverity;
  layer: string;
  kind: string;
  title: string;
  place: AlertPlace;
  /** The incident's region in every grid system, by system id. */
  regions: Record<string, { id: string; name: string }>;
  center?: { lat: number; lon: number };
  department: string;
  members: number;
  devices: number;
  /** Epoch ms. */
  openedAt: number;
  updatedAt: number;
  lastSignalAt?: number;
  /** When the condition went quiet; null while it is active. */
  clearSince?: number | null;
  resolvedAt?: number | null;
  /** The deadline of the current step; null when no step is due (resolved and after). */
  slaDueAt?: number | null;
  overdue: boolean;
  escalated: number;
}

export interface AlertMember {
  /** The device the findings are about, or else the region (risk findings). */
  device?: string | null;
  region?: string | null;
  metric?: string | null;
  count?: number;
  kind: string;
  score: number;
  firstTs: number;
  lastTs: number;
  explanation: string;
}

export interface AuditEntry {
  at: number;
  who: string;
  role?: string;
  from?: string | null;
  to?: string | null;
  action: string;
  note?: string | null;
}

export interface AlertEvaluation {
  dispatchMs?: number | null;
  acceptMs?: number | null;
  resolveMs?: number | null;
  slaMet?: boolean | null;
  rating?: number | null;
  comment?: string | null;
}

/** `GET /api/alerts/:id`, and what every action returns. */
export interface AlertDetail extends AlertSummary {
  brief: string;
  memberList: AlertMember[];
  audit: AuditEntry[];
  evaluation?: AlertEvaluation | null;
  /** The actions the gateway lets the requesting user take now, when it says. */
  actions?: string[];
}

/** One department's row of `GET /api/evaluation?by=department`. */
export interface EvaluationGroup {
  key?: string;
  department: string;
  alerts: number;
  resolved: number;
  falseAlarms: number;
  falseAlarmRate: number;
  medianDispatchMs: number | null;
  medianAcceptMs: number | null;
  medianResolveMs: number | null;
  slaCompliance: number | null;
  ratingMean: number | null;
  ratings: number;
  /** How many ratings of 1, 2, 3, 4 and 5. */
  ratingCounts?: number[];
}
