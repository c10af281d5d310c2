import type { AlertSeverity } from '@sensegrid/twin';
import type { Alert, AlertMember, AuditEntry } from './model.ts';

// What the incident book hands to the alert loop, its store and its tests.

/** One change to one alert, for persistence, live updates and rollups. */
export interface AlertChange {
  alert: Alert;
  /** State and severity before the change; null for a new alert. */
  before: { state: Alert['state']; severity: AlertSeverity } | null;
  /** The member that a signal added or updated. */
  member?: AlertMember;
  /** The timeline entry a signal appended. */
  point?: [number, number];
  /** Audit entries appended by this change. */
  audit: AuditEntry[];
  /** When it happened (signal time for signals, the action's time for actions). */
  at: number;
}

export type SignalOutcome = 'opened' | 'joined' | 'cleared' | 'muted' | 'below_open_score' | 'late';

/** What the book keeps across restarts besides the alerts. */
export interface BookState {
  nextSeq: number;
  /** The newest data time seen (readings and findings). */
  clockMs: number;
  /** The newest wall time seen (traffic signals, the loop's timer). */
  wallClockMs: number;
  /** Mute key to signal time until which it is muted. */
  mutes: Map<string, number>;
}
