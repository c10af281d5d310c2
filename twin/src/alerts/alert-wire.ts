import type { AlertSeverity, AlertState } from '../layer-scales.ts';

/**
 * The alert shapes on the wire: `GET /api/alerts`, `GET /api/alerts/:id` and the
 * `{ "alert": AlertSummary }` messages on `$twin/alerts`. The gateway builds them, the console
 * reads them; all times are epoch ms.
 */

/** A place in one grid system. */
export interface AlertPlace {
  system: string;
  id: string;
  name: string;
}

/** One incident as the list and the live topic show it. */
export interface AlertSummary {
  id: string;
  state: AlertState;
  severity: AlertSeverity;
  layer: string;
  /** The dominant finding kind. */
  kind: string;
  title: string;
  place: AlertPlace;
  /** The incident's region in every grid system, by system id. */
  regions: Record<string, { id: string; name: string }>;
  center?: { lat: number; lon: number };
  department: string;
  members: number;
  devices: number;
  findings: number;
  openedAt: number;
  updatedAt: number;
  lastSignalAt: number;
  /** When the condition went quiet; null while it is active. */
  clearSince: number | null;
  resolvedAt: number | null;
  /** The deadline of the current step; null when no step is due (resolved and after). */
  slaDueAt: number | null;
  overdue: boolean;
  escalated: number;
  /** Times the condition cleared and came back before the hold time was over. */
  flaps: number;
}

/** The findings of one device (or region), metric and kind, as the detail lists them. */
export interface AlertMemberSummary {
  /** The device the findings are about, or else the region (risk findings). */
  device: string | null;
  region: string | null;
  metric: string | null;
  kind: string;
  count: number;
  score: number;
  firstTs: number;
  lastTs: number;
  explanation: string;
}

/** One entry of the audit trail. `at` is the signal time for the loop's own steps. */
export interface AlertAuditEntry {
  at: number;
  who: string;
  /** The person's role, or `system` for the loop acting on its own. */
  role: string;
  from: AlertState | null;
  to: AlertState;
  /** A workflow action, or `discover` for the alert's opening. */
  action: string;
  note: string;
}

/** How the loop did on one resolved alert. */
export interface AlertEvaluation {
  /** From the first finding to the first dispatch; null when never dispatched. */
  dispatchMs: number | null;
  /** From the first dispatch to acceptance; null when never accepted. */
  acceptMs: number | null;
  /** From the first finding to resolution. */
  resolveMs: number;
  slaMet: boolean;
  rating: number | null;
  comment: string | null;
}

/** One incident in full: `GET /api/alerts/:id`. */
export interface AlertDetail extends AlertSummary {
  brief: string;
  /** Highest score first. */
  memberList: AlertMemberSummary[];
  audit: AlertAuditEntry[];
  /** Present from the alert's resolution until it is reopened. */
  evaluation?: AlertEvaluation;
}
