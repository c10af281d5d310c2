import type { Actor, AlertAction, AlertState } from './model.ts';

/** Who may take each action; `system` is the loop itself. */
const ALLOWED_ROLES: Record<AlertAction, readonly Actor[]> = {
  dispatch: ['dispatcher', 'admin'],
  accept: ['operator', 'dispatcher', 'admin'],
  resolve: ['operator', 'dispatcher', 'admin'],
  evaluate: ['dispatcher', 'admin'],
  reopen: ['dispatcher', 'admin'],
  cancel: ['dispatcher', 'admin'],
  auto_dispatch: ['system'],
  auto_resolve: ['system'],
  escalate: ['system'],
};

/** From which states each action leads where. */
const MOVES: Record<AlertAction, Partial<Record<AlertState, AlertState>>> = {
  // A dispatched alert may be dispatched again, to another department.
  dispatch: { discovered: 'dispatched', dispatched: 'dispatched' },
  accept: { dispatched: 'in_progress' },
  resolve: { dispatched: 'resolved', in_progress: 'resolved' },
  evaluate: { resolved: 'evaluated' },
  reopen: { resolved: 'dispatched', evaluated: 'dispatched', cancelled: 'discovered' },
  cancel: { discovered: 'cancelled', dispatched: 'cancelled', in_progress: 'cancelled' },
  auto_dispatch: { discovered: 'dispatched' },
  auto_resolve: { discovered: 'resolved', dispatched: 'resolved', in_progress: 'resolved' },
  escalate: { discovered: 'discovered', dispatched: 'dispatched', in_progress: 'in_progress' },
};

export type Decision =
  | { ok: true; to: AlertState }
  | { ok: false; refusal: 'forbidden' | 'invalid_transition'; message: string };

/**
 * Whether `actor` may take `action` on an alert in `state`, and the state it leads to. Pure:
 * the workflow's only rulebook, used by the API, the loop and the property tests.
 */
export function decide(state: AlertState, action: AlertAction, actor: Actor): Decision {
  const roles = ALLOWED_ROLES[action];
  if (!roles.includes(actor)) {
    return {
      ok: false,
      refusal: 'forbidden',
      message: `${action} needs the role ${roles.join(' or ')}; you are ${actor}. Ask a ${roles[0]} to do it.`,
    };
  }
  const to = MOVES[action][state];
  if (to === undefined) {
    const from = Object.keys(MOVES[action]).join(', ');
    return {
      ok: false,
      refusal: 'invalid_transition',
      message: `an alert that is ${state} cannot be ${pastTense(action)}; ${action} works on alerts that are ${from}.`,
    };
  }
  return { ok: true, to };
}

/** Every state any action can lead to from `state` for `actor` (for the console's buttons). */
export function allowedActions(state: AlertState, actor: Actor): AlertAction[] {
  return (Object.keys(MOVES) as AlertAction[]).filter((action) => decide(state, action, actor).ok);
}

function pastTense(action: AlertAction): string {
  const words: Record<AlertAction, string> = {
    dispatch: 'dispatched',
    accept: 'accepted',
    resolve: 'resolved',
    evaluate: 'evaluated',
    reopen: 'reopened',
    cancel: 'cancelled',
    auto_dispatch: 'dispatched automatically',
    auto_resolve: 'resolved automatically',
    escalate: 'escalated',
  };
  return words[action];
}
