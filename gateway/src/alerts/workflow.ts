import type { AlertRules } from './rules.ts';
import { decide, type Decision } from './transitions.ts';
import type { Actor, Alert, AlertAction, AlertState, AuditEntry, Evaluation } from './model.ts';

/** One request to move an alert along its workflow. */
export interface ActionRequest {
  action: AlertAction;
  actor: Actor;
  /** The person's name, or `sensegrid` for the loop. */
  who: string;
  /** When it happens: the wall clock for people, the signal time for the loop. */
  at: number;
  note?: string;
  /** dispatch: another department than the routed one. */
  department?: string;
  /** evaluate: 1..5. */
  rating?: number;
  comment?: string;
}

export type ActionResult =
  { ok: true; alert: Alert; entry: AuditEntry } | Extract<Decision, { ok: false }>;

/**
 * Applies one workflow step to an alert and returns the new alert (the old one is left as it
 * was) with its audit entry, or the refusal. Pure: the loop persists what comes back.
 */
export function applyAction(alert: Alert, request: ActionRequest, rules: AlertRules): ActionResult {
  const decision = decide(alert.state, request.action, request.actor);
  if (!decision.ok) return decision;
  if (request.action === 'evaluate') {
    const rating = request.rating;
    if (rating === undefined || !Number.isInteger(rating) || rating < 1 || rating > 5) {
      return {
        ok: false,
        refusal: 'invalid_transition',
        message: 'an evaluation needs "rating", a whole number from 1 to 5.',
      };
    }
  }
  const next: Alert = {
    ...alert,
    state: decision.to,
    updatedAt: Math.max(alert.updatedAt, request.at),
  };
  const note = request.note ?? '';
  switch (request.action) {
    case 'dispatch':
    case 'auto_dispatch':
      if (request.department) next.department = request.department;
      next.dispatchedAt ??= request.at;
      break;
    case 'accept':
      next.acceptedAt ??= request.at;
      break;
    case 'resolve':
    case 'auto_resolve':
      next.resolvedAt = request.at;
      next.evaluation = evaluationAt(next, request.at, rules);
      break;
    case 'evaluate':
      next.evaluation = {
        ...(next.evaluation ?? evaluationAt(next, request.at, rules)),
        rating: request.rating!,
        comment: request.comment ?? null,
      };
      break;
    case 'reopen':
      next.resolvedAt = null;
      next.evaluation = null;
      next.clearSince = null;
      next.escalatedStep = null;
      if (decision.to === 'dispatched') next.dispatchedAt ??= request.at;
      break;
    case 'escalate':
      next.escalated = alert.escalated + 1;
      next.escalatedStep = alert.state;
      break;
    case 'cancel':
      break;
  }
  const entry: AuditEntry = {
    at: request.at,
    who: request.who,
    role: request.actor,
    from: alert.state,
    to: decision.to,
    action: request.action,
    note: describeNote(request, next, note),
  };
  next.audit = [...alert.audit, entry];
  return { ok: true, alert: next, entry };
}

function describeNote(request: ActionRequest, next: Alert, note: string): string {
  const parts: string[] = [];
  if (request.action === 'dispatch' || request.action === 'auto_dispatch')
    parts.push(`to ${next.department}`);
  if (request.action === 'evaluate')
    parts.push(`rating ${request.rating}${request.comment ? `: ${request.comment}` : ''}`);
  if (note) parts.push(note);
  return parts.join('; ');
}

/** When the current workflow step is due (each deadline counts from the first finding). */
export function slaDueAt(alert: Alert, rules: AlertRules): number | null {
  const sla = rules.sla[alert.severity];
  const step = stepDeadline(alert.state);
  return step ? alert.openedAt + sla[step] : null;
}

function stepDeadline(state: AlertState): 'dispatchMs' | 'acceptMs' | 'resolveMs' | undefined {
  if (state === 'discovered') return 'dispatchMs';
  if (state === 'dispatched') return 'acceptMs';
  if (state === 'in_progress') return 'resolveMs';
  return undefined;
}

/** The figures of a resolution: step times and whether every step kept its deadline. */
export function evaluationAt(alert: Alert, resolvedAt: number, rules: AlertRules): Evaluation {
  const sla = rules.sla[alert.severity];
  const dispatchMs = alert.dispatchedAt === null ? null : alert.dispatchedAt - alert.openedAt;
  const acceptMs =
    alert.acceptedAt === null || alert.dispatchedAt === null
      ? null
      : alert.acceptedAt - alert.dispatchedAt;
  const resolveMs = resolvedAt - alert.openedAt;
  const dispatchedBy = alert.dispatchedAt ?? resolvedAt;
  const acceptedBy = alert.acceptedAt ?? resolvedAt;
  const slaMet =
    dispatchedBy - alert.openedAt <= sla.dispatchMs &&
    acceptedBy - alert.openedAt <= sla.acceptMs &&
    resolveMs <= sla.resolveMs;
  return { dispatchMs, acceptMs, resolveMs, slaMet, rating: null, comment: null };
}

/** Whether the current step is past its deadline at `now` and not escalated yet. */
export function needsEscalation(alert: Alert, rules: AlertRules, now: number): boolean {
  const due = slaDueAt(alert, rules);
  return due !== null && now > due && alert.escalatedStep !== alert.state;
}
