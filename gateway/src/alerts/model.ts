import {
  OPEN_STATES,
  type AlertAuditEntry,
  type AlertEvaluation,
  type AlertPlace,
  type AlertSeverity,
  type AlertState,
} from '@sensegrid/twin';
import type { Role } from '../auth/roles.ts';

export { ALERT_STATES, OPEN_STATES, type AlertState } from '@sensegrid/twin';

export const isOpenState = (state: AlertState): boolean => OPEN_STATES.includes(state);

/** What people (and the loop itself) can do to an alert. */
export const ALERT_ACTIONS = [
  'dispatch',
  'accept',
  'resolve',
  'evaluate',
  'reopen',
  'cancel',
  'auto_dispatch',
  'auto_resolve',
  'escalate',
] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** The actions the HTTP API offers; the others are the loop's own. */
export const PERSON_ACTIONS = [
  'dispatch',
  'accept',
  'resolve',
  'evaluate',
  'reopen',
  'cancel',
] as const;
export type PersonAction = (typeof PERSON_ACTIONS)[number];

/** A role of a person, or the loop acting on its own (auto-dispatch, auto-resolve, escalation). */
export type Actor = Role | 'system';

/** A place in one grid system, as the wire carries it. */
export type PlaceRef = AlertPlace;

/** The findings of one device (or region), metric and kind inside an alert. */
export interface AlertMember {
  key: string;
  device?: string;
  region?: string;
  metric?: string;
  kind: string;
  count: number;
  score: number;
  firstTs: number;
  lastTs: number;
  explanation: string;
  /** The member's own condition is over (its source sent a clear signal). */
  cleared: boolean;
  /** The member's region in every grid system. */
  regions: Record<string, string>;
}

/**
 * One entry of the audit trail: the wire's entry, with the role and action narrowed to the
 * gateway's own (the twin knows neither the roles nor the loop's actions).
 */
export interface AuditEntry extends AlertAuditEntry {
  role: Actor;
  action: AlertAction | 'discover';
}

/** How the loop did on one resolved alert, as the wire carries it. */
export type Evaluation = AlertEvaluation;

/** An incident: one place, one layer, overlapping time, many member findings. */
export interface Alert {
  id: string;
  /** 1, 2, ... in the order the signals opened them. */
  seq: number;
  state: AlertState;
  severity: AlertSeverity;
  layer: string;
  /** The dominant finding kind. */
  kind: string;
  place: PlaceRef;
  regions: Record<string, { id: string; name: string }>;
  center?: { lat: number; lon: number };
  department: string;
  /** The rule that chose the department (for the brief). */
  rule: string;
  /**
   * Whose time runs the alert's quiet and hold times: `data`, the readings' and findings'
   * own time; `wall`, the wall clock, for signals about live traffic (the traffic monitor).
   */
  clock: AlertClock;
  openedAt: number;
  updatedAt: number;
  lastSignalAt: number;
  /** Signal time since which the condition is clear; null while active. */
  clearSince: number | null;
  findings: number;
  /** Distinct devices among the members. */
  devices: number;
  maxScore: number;
  /** Times the condition cleared and came back before the hold time was over. */
  flaps: number;
  escalated: number;
  /** The state whose SLA step has been escalated (each step escalates once). */
  escalatedStep: AlertState | null;
  dispatchedAt: number | null;
  acceptedAt: number | null;
  resolvedAt: number | null;
  evaluation: Evaluation | null;
  members: Map<string, AlertMember>;
  /** [signal time, score] of every finding, for the brief's evolution. */
  timeline: [number, number][];
  audit: AuditEntry[];
}

export type AlertClock = 'data' | 'wall';

export const alertId = (seq: number): string => `inc-${String(seq).padStart(6, '0')}`;
