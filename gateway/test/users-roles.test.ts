import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuth, type Auth } from '../src/auth/auth.ts';
import { registerAuth, requireRole } from '../src/auth/http-auth.ts';
import { ROLES, operatorOf, type Role } from '../src/auth/roles.ts';

let dir: string;
let auth: Auth;
let openAuthGuest: Auth;
const apps: FastifyInstance[] = [];
const tokens = new Map<Role, string>();

/** An API with one route per minimum role, as the alert actions use them. */
async function buildApp(withAuth: Auth): Promise<FastifyInstance> {
  const app = Fastify();
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _req, reply) => {
    void reply.status(error.statusCode ?? 500).send({ error: error.code, message: error.message });
  });
  registerAuth(app, withAuth);
  app.get('/api/look', async (request) => ({ who: operatorOf(request) }));
  for (const role of ROLES) {
    app.post(`/api/act/${role}`, async (request) => ({ who: requireRole(request, role) }));
  }
  await app.ready();
  apps.push(app);
  return app;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-roles-'));
  auth = openAuth({ dataDir: dir, tokenTtlMs: 60_000, openConsole: false });
  openAuthGuest = openAuth({ dataDir: dir, tokenTtlMs: 60_000, openConsole: true });
  for (const role of ROLES) {
    await auth.users.add(`${role}-user`, role, `${role}-password`);
    const result = await auth.login(`${role}-user`, `${role}-password`);
    if (!result.ok) throw new Error(result.reason);
    tokens.set(role, result.token);
  }
});
afterAll(async () => {
  for (const app of apps) await app.close();
  auth.close();
  openAuthGuest.close();
  await rm(dir, { recursive: true, force: true });
});

describe('roles on routes', () => {
  it('lets each role do what its rank allows and refuses the rest with 403', async () => {
    const app = await buildApp(auth);
    for (const [rank, role] of ROLES.entries()) {
      const headers = { authorization: `Bearer ${tokens.get(role)!}` };
      const look = await app.inject({ url: '/api/look', headers });
      expect(look.json()).toEqual({ who: { name: `${role}-user`, role } });
      for (const [needed, minimum] of ROLES.entries()) {
        const response = await app.inject({ method: 'POST', url: `/api/act/${minimum}`, headers });
        if (rank >= needed) {
          expect(response.statusCode, `${role} -> ${minimum}`).toBe(200);
        } else {
          expect(response.statusCode, `${role} -> ${minimum}`).toBe(403);
          expect(response.json()).toMatchObject({
            error: 'SENSEGRID_FORBIDDEN',
            message: expect.stringContaining(`is a ${role}; this needs one of:`),
          });
        }
      }
    }
  });

  it('refuses every action without a token with 401', async () => {
    const app = await buildApp(auth);
    expect((await app.inject({ url: '/api/look' })).statusCode).toBe(401);
    const response = await app.inject({ method: 'POST', url: '/api/act/viewer' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'SENSEGRID_UNAUTHENTICATED' });
  });

  it('treats requests without a token as a guest viewer on an open console', async () => {
    const app = await buildApp(openAuthGuest);
    expect((await app.inject({ url: '/api/look' })).json()).toEqual({
      who: { name: 'guest', role: 'viewer' },
    });
    expect((await app.inject({ method: 'POST', url: '/api/act/viewer' })).statusCode).toBe(200);
    const act = await app.inject({ method: 'POST', url: '/api/act/operator' });
    expect(act.statusCode).toBe(401);
    expect(act.json().message).toContain('POST /api/login');
    // A bad token is refused even where a guest would be let in: the console must sign in again.
    const stale = await app.inject({ url: '/api/look', headers: { authorization: 'Bearer x' } });
    expect(stale.statusCode).toBe(401);
  });

  it('ends the tokens of a user who is removed and added again with another role', async () => {
    const app = await buildApp(auth);
    await auth.users.add('promoted', 'viewer', 'promoted-password');
    const result = await auth.login('promoted', 'promoted-password');
    if (!result.ok) throw new Error(result.reason);
    const headers = { authorization: `Bearer ${result.token}` };
    expect(
      (await app.inject({ method: 'POST', url: '/api/act/operator', headers })).statusCode,
    ).toBe(403);
    await auth.users.remove('promoted');
    await auth.users.add('promoted', 'operator', 'promoted-password');
    expect(
      (await app.inject({ method: 'POST', url: '/api/act/operator', headers })).statusCode,
    ).toBe(401);
  });
});
