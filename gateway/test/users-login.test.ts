import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenSigner, loadTokenSecret } from '../src/auth/tokens.ts';
import { UserStore } from '../src/auth/users.ts';
import { startGateway, type RunningGateway } from './gateway-harness.ts';
import { addUser, signIn } from './harness/sign-in.ts';

let running: RunningGateway;
beforeAll(async () => {
  running = await startGateway({ openConsole: false, banAfterAuthFailures: 5 });
});
afterAll(async () => {
  await running?.dispose();
});

const login = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${running.httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${running.httpUrl}${path}`, { headers });

describe('signing in', () => {
  it('gives a signed token with the role and its expiry for the right password', async () => {
    const password = await addUser(running.dataDir, 'ada', 'dispatcher');
    const before = Date.now();
    const response = await login({ name: 'ada', password });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ name: 'ada', role: 'dispatcher' });
    expect(body.token).toMatch(/^sg1\.[\w-]+\.[\w-]+$/);
    const twelveHours = 12 * 3600_000;
    expect(body.expiresAt).toBeGreaterThanOrEqual(before + twelveHours);
    expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + twelveHours);

    const devices = await get('/api/devices', { authorization: `Bearer ${String(body.token)}` });
    expect(devices.status).toBe(200);
    const session = await get('/api/session', { authorization: `Bearer ${String(body.token)}` });
    expect(await session.json()).toMatchObject({
      signInRequired: true,
      operator: { name: 'ada', role: 'dispatcher', expiresAt: body.expiresAt },
    });
  });

  it('refuses a wrong password and an unknown user alike, with what to do', async () => {
    const password = await addUser(running.dataDir, 'grace', 'viewer');
    for (const attempt of [
      { name: 'grace', password: `${password}x` },
      { name: 'nobody', password },
    ]) {
      const response = await login(attempt, { 'x-forwarded-for': 'ignored' });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: string; message: string };
      expect(body.error).toBe('SENSEGRID_LOGIN_FAILED');
      expect(body.message).toMatch(/wrong user name or password.*sensegrid users passwd/);
    }
    expect((await login({ name: 'grace' })).status).toBe(400);
  });

  it('keeps the signing key in the data folder, readable by its owner only', () => {
    const file = join(running.dataDir, 'token-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(running.dataDir, 'users.json')).mode & 0o777).toBe(0o600);
    const users = JSON.parse(readFileSync(join(running.dataDir, 'users.json'), 'utf8')) as object[];
    for (const user of users) {
      expect(Object.keys(user).sort()).toEqual([
        'createdAt',
        'hash',
        'name',
        'passwordChangedAt',
        'role',
      ]);
      expect(user).toMatchObject({ hash: expect.stringMatching(/^scrypt\$16384\$8\$1\$/) });
    }
  });
});

describe('tokens on API requests', () => {
  it('refuses data routes without a token and says how to sign in', async () => {
    for (const path of ['/api/devices', '/api/regions', '/api/findings', '/api/twin/snapshot']) {
      const response = await get(path);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = (await response.json()) as { error: string; message: string };
      expect(body.error).toBe('SENSEGRID_UNAUTHENTICATED');
      expect(body.message).toContain('POST /api/login');
      expect(body.message).toContain('Authorization: Bearer');
    }
  });

  it('refuses a data route reached through an encoded or unusual path', async () => {
    for (const path of ['/%61pi/devices', '/api/%64evices', '/api/devices/', '/api//devices']) {
      expect((await get(path)).status, path).toBe(401);
    }
  });

  it('keeps health, metrics, sign-in and the console open', async () => {
    expect((await get('/api/health')).status).toBe(200);
    expect((await get('/metrics')).status).toBe(200);
    expect((await get('/')).status).toBe(200);
    expect(await (await get('/api/session')).json()).toMatchObject({
      signInRequired: true,
      operator: null,
    });
  });

  it('refuses an expired token, a forged one and a malformed one', async () => {
    const { name, role } = await signIn(running, 'operator');
    const signer = new TokenSigner(loadTokenSecret(join(running.dataDir, 'token-secret')));
    const expired = signer.sign({
      name,
      role,
      issuedAt: Date.now() - 60_000,
      expiresAt: Date.now() - 1000,
      id: 'old',
    });
    const forged = new TokenSigner(Buffer.alloc(32, 7)).issue(name, 'admin', 60_000).token;
    const cases: [string, RegExp][] = [
      [expired, /expired/],
      [forged, /not valid/],
      ['sg1.e30', /not valid/],
      ['', /not valid/],
    ];
    for (const [token, problem] of cases) {
      const response = await get('/api/devices', { authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { message: string }).message).toMatch(problem);
    }
  });

  it('ends a token at sign-out, at a password change and when the user is removed', async () => {
    const first = await signIn(running, 'viewer', 'linus');
    expect((await get('/api/devices', first.headers)).status).toBe(200);
    const out = await fetch(`${running.httpUrl}/api/logout`, {
      method: 'POST',
      headers: first.headers,
    });
    expect(out.status).toBe(204);
    expect((await get('/api/devices', first.headers)).status).toBe(401);

    const second = await signIn(running, 'viewer', 'linus');
    expect((await get('/api/devices', second.headers)).status).toBe(200);
    const users = new UserStore(join(running.dataDir, 'users.json'));
    await users.setPassword('linus', 'a new password');
    await expect.poll(async () => (await get('/api/devices', second.headers)).status).toBe(401);

    const third = await signIn(running, 'viewer', 'linus');
    users.reload();
    await users.remove('linus');
    await expect.poll(async () => (await get('/api/devices', third.headers)).status).toBe(401);
  });
});

describe('failed sign-ins', () => {
  it('bans an address after repeated failures, with Retry-After', async () => {
    const banned = await startGateway({ openConsole: false, banAfterAuthFailures: 3 });
    try {
      const password = await addUser(banned.dataDir, 'mallory', 'viewer');
      const attempt = (pw: string) =>
        fetch(`${banned.httpUrl}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'mallory', password: pw }),
        });
      for (let i = 0; i < 3; i++) expect((await attempt('guess-guess')).status).toBe(401);
      const refused = await attempt(password);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('60');
      expect(((await refused.json()) as { error: string }).error).toBe('SENSEGRID_LOGIN_THROTTLED');
      const metrics = await (await fetch(`${banned.httpUrl}/metrics`)).text();
      expect(metrics).toContain('sensegrid_sign_ins_total{result="refused"} 3');
      expect(metrics).toContain('sensegrid_sign_ins_total{result="throttled"} 1');
    } finally {
      await banned.dispose();
    }
  });
});
