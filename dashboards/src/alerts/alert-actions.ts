import type { AlertState, Role } from './alert-types.ts';

export const ALERT_ACTIONS = [
  'dispatch',
  'accept',
  'resolve',
  'evaluate',
  'reopen',
  'cancel',
] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

interface ActionRule {
  label: string;
  /** States the action starts from. */
  from: readonly AlertState[];
  /** Roles allowed to take it. */
  roles: readonly Role[];
}

const DISPATCHERS: readonly Role[] = ['dispatcher', 'admin'];
const RESPONDERS: readonly Role[] = ['operator', 'dispatcher', 'admin'];

/** The loop as the console offers it; the gateway has the last word and says why it refuses. */
export const ACTION_RULES: Record<AlertAction, ActionRule> = {
  // A dispatched incident may be dispatched again, to another department.
  dispatch: { label: 'Dispatch', from: ['discovered', 'dispatched'], roles: DISPATCHERS },
  accept: { label: 'Accept', from: ['dispatched'], roles: RESPONDERS },
  resolve: { label: 'Resolve', from: ['dispatched', 'in_progress'], roles: RESPONDERS },
  evaluate: { label: 'Evaluate', from: ['resolved'], roles: DISPATCHERS },
  reopen: { label: 'Reopen', from: ['resolved', 'evaluated', 'cancelled'], roles: DISPATCHERS },
  cancel: {
    label: 'False alarm',
    from: ['discovered', 'dispatched', 'in_progress'],
    roles: DISPATCHERS,
  },
};

export interface OfferedAction {
  action: AlertAction;
  label: string;
  allowed: boolean;
  /** Why the signed-in person cannot take it (shown as the button's tooltip). */
  reason?: string;
}

/**
 * The actions valid in `state`, each marked with whether `role` may take it. `granted`, the
 * actions the gateway said this user may take now, wins over the console's own rules.
 */
export function offeredActions(
  state: AlertState,
  role: Role | undefined,
  granted?: readonly string[],
): OfferedAction[] {
  return ALERT_ACTIONS.filter((action) => ACTION_RULES[action].from.includes(state)).map(
    (action) => {
      const rule = ACTION_RULES[action];
      const needs = `Needs the ${rule.roles.join(' or ')} role`;
      const allowed = granted ? granted.includes(action) : !!role && rule.roles.includes(role);
      if (allowed) return { action, label: rule.label, allowed };
      const reason = !role
        ? `Sign in first (${needs.toLowerCase()})`
        : `${needs} (you are ${role})`;
      return { action, label: rule.label, allowed, reason };
    },
  );
}
