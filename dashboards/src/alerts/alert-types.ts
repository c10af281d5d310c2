import type { AlertDetail as WireAlertDetail } from '@sensegrid/twin';

export { ALERT_STATES, OPEN_STATES, type AlertState } from '@sensegrid/twin';

// The shapes the gateway sends live in the twin; the console keeps its own names for them.
export type {
  AlertAuditEntry as AuditEntry,
  AlertEvaluation,
  AlertMemberSummary as AlertMember,
  AlertPlace,
  AlertSummary,
} from '@sensegrid/twin';

export type { Role } from '../auth/session.ts';

/** `GET /api/alerts/:id`, and what every action returns. */
export interface AlertDetail extends WireAlertDetail {
  /**
   * The actions the gateway lets the requesting user take now, when it says. The alert routes
   * add them per request, so they are not part of the alert's own shape.
   */
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
