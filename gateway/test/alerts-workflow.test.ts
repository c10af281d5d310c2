import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../src/auth/roles.ts';
import { IncidentBook } from '../src/alerts/incident-book.ts';
import {
  ALERT_ACTIONS,
  ALERT_STATES,
  isOpenState,
  type Actor,
  type Alert,
  type AlertAction,
} from '../src/alerts/model.ts';
import { createSignalPlacer, regionName } from '../src/alerts/placement.ts';
import { builtInRules } from '../src/alerts/rules.ts';
import { T0, findingOf, sensorsIn, testTwin } from '../src/alerts/test-city.ts';
import { decide } from '../src/alerts/transitions.ts';
import { applyAction } from '../src/alerts/workflow.ts';

const rules = builtInRules();
const twin = testTwin();
const device = sensorsIn(twin, 'd02', 'water')[0]!;

function freshAlert(): Alert {
  const book = new IncidentBook(rules, createSignalPlacer(twin), (id) => regionName(twin, id));
  return book.absorb(findingOf(device, 'water', T0)).alert!;
}

const ACTORS: readonly Actor[] = [...ROLES, 'system'];
const step = fc.record({
  action: fc.constantFrom(...ALERT_ACTIONS),
  actor: fc.constantFrom(...ACTORS),
  rating: fc.option(fc.integer({ min: -1, max: 7 }), { nil: undefined }),
  minutes: fc.integer({ min: 0, max: 600 }),
});

/** Facts that hold for every alert the workflow can produce. */
function expectValid(alert: Alert): void {
  expect(ALERT_STATES).toContain(alert.state);
  if (isOpenState(alert.state)) {
    expect(alert.resolvedAt).toBeNull();
    expect(alert.evaluation).toBeNull();
  }
  if (alert.state === 'resolved' || alert.state === 'evaluated') {
    expect(alert.resolvedAt).not.toBeNull();
    expect(alert.evaluation).not.toBeNull();
  }
  if (alert.state === 'evaluated') expect(alert.evaluation!.rating).toBeGreaterThanOrEqual(1);
  if (alert.state === 'dispatched' || alert.state === 'in_progress')
    expect(alert.dispatchedAt).not.toBeNull();
  if (alert.state === 'in_progress') expect(alert.acceptedAt).not.toBeNull();
  // The audit trail is a chain: each entry starts where the previous one ended.
  for (let i = 1; i < alert.audit.length; i++)
    expect(alert.audit[i]!.from).toBe(alert.audit[i - 1]!.to);
  expect(alert.audit.at(-1)!.to).toBe(alert.state);
}

describe('the alert workflow', () => {
  it('never reaches an invalid state, audits every accepted step and changes nothing on a refusal', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let alert = freshAlert();
        let at = T0;
        for (const s of steps) {
          at += s.minutes * 60_000;
          const before = structuredClone(alert);
          const result = applyAction(
            alert,
            { action: s.action, actor: s.actor, who: `${s.actor}-1`, at, rating: s.rating },
            rules,
          );
          const decision = decide(alert.state, s.action, s.actor);
          expect(alert).toEqual(before);
          if (result.ok) {
            expect(decision).toEqual({ ok: true, to: result.alert.state });
            expect(result.alert.audit).toHaveLength(before.audit.length + 1);
            expect(result.alert.audit.at(-1)).toEqual(result.entry);
            expect(result.entry).toMatchObject({
              from: before.state,
              to: result.alert.state,
              action: s.action,
              role: s.actor,
              at,
            });
            alert = result.alert;
          } else if (decision.ok) {
            // Only a bad rating refuses an otherwise allowed step.
            expect(s.action).toBe('evaluate');
          }
          expectValid(alert);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses by role before state: 403 for the role comes before 409 for the state', () => {
    expect(decide('discovered', 'dispatch', 'viewer')).toMatchObject({
      ok: false,
      refusal: 'forbidden',
    });
    expect(decide('discovered', 'dispatch', 'operator')).toMatchObject({
      ok: false,
      refusal: 'forbidden',
    });
    expect(decide('discovered', 'resolve', 'operator')).toMatchObject({
      ok: false,
      refusal: 'invalid_transition',
    });
    expect(decide('resolved', 'dispatch', 'viewer')).toMatchObject({ refusal: 'forbidden' });
  });

  it('lets every role but the loop itself act only through person actions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALERT_STATES),
        fc.constantFrom<AlertAction>('auto_dispatch', 'auto_resolve', 'escalate'),
        fc.constantFrom(...ROLES),
        (state, action, role) => {
          expect(decide(state, action, role)).toMatchObject({ ok: false, refusal: 'forbidden' });
        },
      ),
    );
  });

  it('runs the whole loop: discovered, dispatched, in progress, resolved, evaluated, reopened', () => {
    let alert = freshAlert();
    const go = (action: AlertAction, actor: Actor, minutes: number, extra = {}) => {
      const result = applyAction(
        alert,
        { action, actor, who: actor, at: T0 + minutes * 60_000, ...extra },
        rules,
      );
      if (!result.ok) throw new Error(result.message);
      alert = result.alert;
    };
    go('dispatch', 'dispatcher', 4);
    go('accept', 'operator', 10);
    go('resolve', 'operator', 60);
    expect(alert.evaluation).toMatchObject({
      dispatchMs: 4 * 60_000,
      acceptMs: 6 * 60_000,
      resolveMs: 60 * 60_000,
    });
    go('evaluate', 'dispatcher', 70, { rating: 4, comment: 'quick' });
    expect(alert.evaluation).toMatchObject({ rating: 4, comment: 'quick' });
    go('reopen', 'admin', 80);
    expect(alert.state).toBe('dispatched');
    expect(alert.evaluation).toBeNull();
    expect(alert.audit.map((a) => a.action)).toEqual([
      'discover',
      'dispatch',
      'accept',
      'resolve',
      'evaluate',
      'reopen',
    ]);
  });
});
