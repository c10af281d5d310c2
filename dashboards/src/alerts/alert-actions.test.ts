import { describe, expect, it } from 'vitest';
import { offeredActions } from './alert-actions.ts';

const names = (offered: ReturnType<typeof offeredActions>) => offered.map((o) => o.action);

describe('the actions the console offers', () => {
  it('offers the loop’s next steps for each state', () => {
    expect(names(offeredActions('discovered', 'admin'))).toEqual(['dispatch', 'cancel']);
    expect(names(offeredActions('dispatched', 'admin'))).toEqual([
      'dispatch',
      'accept',
      'resolve',
      'cancel',
    ]);
    expect(names(offeredActions('in_progress', 'admin'))).toEqual(['resolve', 'cancel']);
    expect(names(offeredActions('resolved', 'admin'))).toEqual(['evaluate', 'reopen']);
    expect(names(offeredActions('evaluated', 'admin'))).toEqual(['reopen']);
    expect(names(offeredActions('cancelled', 'admin'))).toEqual(['reopen']);
  });

  it('disables what the role may not do, saying which role it needs', () => {
    const forOperator = offeredActions('dispatched', 'operator');
    const dispatch = forOperator.find((o) => o.action === 'dispatch')!;
    expect(dispatch.allowed).toBe(false);
    expect(dispatch.reason).toBe('Needs the dispatcher or admin role (you are operator)');
    expect(forOperator.find((o) => o.action === 'accept')!.allowed).toBe(true);
    expect(offeredActions('resolved', 'viewer').every((o) => !o.allowed)).toBe(true);
  });

  it('asks to sign in when nobody is', () => {
    const [first] = offeredActions('discovered', undefined);
    expect(first).toMatchObject({
      allowed: false,
      reason: 'Sign in first (needs the dispatcher or admin role)',
    });
  });

  it('follows what the gateway grants when it says', () => {
    const offered = offeredActions('dispatched', 'dispatcher', ['accept']);
    expect(offered.filter((o) => o.allowed).map((o) => o.action)).toEqual(['accept']);
    expect(names(offered)).toEqual(['dispatch', 'accept', 'resolve', 'cancel']);
  });
});
