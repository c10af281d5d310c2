import { describe, expect, it } from 'vitest';
import { ConnectionGuard } from './connection-guard.ts';

const options = {
  connectsPerSecondPerAddress: 0,
  authFailuresToBan: 0,
  reconnectsToBan: 0,
  banMs: 60_000,
};

describe('ConnectionGuard', () => {
  it('limits new connections per address after a burst, per address', () => {
    const now = 0;
    const guard = new ConnectionGuard({
      ...options,
      connectsPerSecondPerAddress: 5,
      now: () => now,
    });
    const verdicts = Array.from({ length: 12 }, () => guard.admit('10.0.0.1'));
    expect(verdicts.filter((v) => v === undefined)).toHaveLength(10);
    expect(verdicts[11]).toMatch(/more than 5 new connections per second/);
    expect(guard.admit('10.0.0.2')).toBeUndefined();
  });

  it('bans an address after repeated failed logins, until the ban runs out', () => {
    let now = 0;
    const guard = new ConnectionGuard({ ...options, authFailuresToBan: 3, now: () => now });
    expect(guard.authFailed('10.0.0.9')).toBeUndefined();
    expect(guard.authFailed('10.0.0.9')).toBeUndefined();
    expect(guard.authFailed('10.0.0.9')?.reason).toBe('3 failed logins within a minute');
    expect(guard.admit('10.0.0.9')).toMatch(/address banned/);
    expect(guard.bans()).toHaveLength(1);
    now = 61_000;
    expect(guard.admit('10.0.0.9')).toBeUndefined();
    expect(guard.bans()).toHaveLength(0);
  });

  it('bans a client id that keeps reconnecting', () => {
    const now = 0;
    const guard = new ConnectionGuard({ ...options, reconnectsToBan: 5, now: () => now });
    for (let i = 0; i < 4; i++) expect(guard.connected('air-0001')).toBeUndefined();
    expect(guard.connected('air-0001')?.key).toBe('client:air-0001');
    expect(guard.clientBan('air-0001')).toBeDefined();
    expect(guard.clientBan('air-0002')).toBeUndefined();
  });
});
