import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ConnectionGuard } from '../guard/connection-guard.ts';
import { hashSecret, verifySecret } from '../guard/secrets.ts';
import type { Operator } from './roles.ts';
import { TokenSigner, loadTokenSecret } from './tokens.ts';
import { UserStore } from './users.ts';

export interface AuthOptions {
  dataDir: string;
  /** How long a token from `POST /api/login` is valid. */
  tokenTtlMs: number;
  /** Requests and consoles without a token get viewer access. */
  openConsole: boolean;
  /** Failed logins count against the address here, as failed MQTT logins do. */
  connectionGuard?: ConnectionGuard;
  log?: Logger;
  /** Told of every sign-in attempt, for metrics. */
  onSignIn?: (result: 'ok' | 'refused' | 'throttled') => void;
  now?: () => number;
}

export type LoginResult =
  | { ok: true; token: string; name: string; role: Operator['role']; expiresAt: number }
  | { ok: false; status: 401 | 429; reason: string };

export type TokenResult =
  { ok: true; operator: Operator; expiresAt: number } | { ok: false; reason: string };

/** The operator of requests and consoles without a token when the console is open. */
export const GUEST: Operator = Object.freeze({ name: 'guest', role: 'viewer' });

/** Signing in: the users registry, signed tokens with expiry, sign-out. */
export interface Auth {
  readonly users: UserStore;
  readonly signer: TokenSigner;
  readonly openConsole: boolean;
  readonly tokenTtlMs: number;
  login(name: string, password: string, address?: string): Promise<LoginResult>;
  /** Checks a token's signature, expiry, and that its user still exists with that password. */
  checkToken(token: string): TokenResult;
  /** The token stops working now (until then it is remembered in memory). */
  logout(token: string): void;
  /** Runs `task` every second with the current time (after re-reading the users file). */
  every(task: (now: number) => void): void;
  /** Runs `task` when the gateway closes. */
  whenClosing(task: () => void): void;
  close(): void;
}

const TICK_MS = 1000;

export function openAuth(options: AuthOptions): Auth {
  const now = options.now ?? Date.now;
  const users = new UserStore(join(options.dataDir, 'users.json'));
  const signer = new TokenSigner(loadTokenSecret(join(options.dataDir, 'token-secret')));
  const revoked = new Map<string, number>();
  const tasks: ((now: number) => void)[] = [];
  const closingTasks: (() => void)[] = [];
  // Unknown names cost a scrypt too, so timing does not tell which names exist.
  let decoyHash: Promise<string> | undefined;

  const timer = setInterval(() => {
    if (users.reload()) options.log?.info({ users: users.size }, 'users reloaded');
    const at = now();
    for (const [id, expiresAt] of revoked) if (expiresAt <= at) revoked.delete(id);
    for (const task of tasks) task(at);
  }, TICK_MS);
  timer.unref();

  async function login(name: string, password: string, address?: string): Promise<LoginResult> {
    const refusal = options.connectionGuard?.admit(address);
    if (refusal) {
      options.onSignIn?.('throttled');
      return { ok: false, status: 429, reason: refusal };
    }
    users.reload();
    const user = users.get(name) ? await users.verify(name, password) : await decoy(password);
    if (!user) {
      options.onSignIn?.('refused');
      const ban = options.connectionGuard?.authFailed(address);
      options.log?.info({ user: name.slice(0, 64), address, banned: !!ban }, 'sign-in refused');
      return { ok: false, status: 401, reason: 'wrong user name or password.' };
    }
    options.onSignIn?.('ok');
    const issued = signer.issue(user.name, user.role, options.tokenTtlMs, now());
    options.log?.info({ user: user.name, role: user.role, address }, 'signed in');
    return {
      ok: true,
      token: issued.token,
      name: user.name,
      role: user.role,
      expiresAt: issued.expiresAt,
    };
  }

  async function decoy(password: string): Promise<undefined> {
    decoyHash ??= hashSecret('not a password', { N: 16_384, r: 8, p: 1 });
    await verifySecret(password, await decoyHash);
    return undefined;
  }

  function checkToken(token: string): TokenResult {
    const checked = signer.check(token, now());
    if (!checked.ok) {
      return checked.reason === 'expired'
        ? { ok: false, reason: 'the token has expired; sign in again.' }
        : { ok: false, reason: 'the token is not valid; sign in again.' };
    }
    const { claims } = checked;
    const user = users.get(claims.name);
    if (!user) return { ok: false, reason: `user ${claims.name} no longer exists.` };
    if (claims.issuedAt < user.passwordChangedAt) {
      return {
        ok: false,
        reason: 'the password changed since this token was issued; sign in again.',
      };
    }
    if (revoked.has(claims.id)) return { ok: false, reason: 'this token was signed out.' };
    // The role comes from the registry, so a changed role takes effect at once.
    return {
      ok: true,
      operator: { name: user.name, role: user.role },
      expiresAt: claims.expiresAt,
    };
  }

  return {
    users,
    signer,
    openConsole: options.openConsole,
    tokenTtlMs: options.tokenTtlMs,
    login,
    checkToken,
    logout(token) {
      const checked = signer.check(token, now());
      if (checked.ok) revoked.set(checked.claims.id, checked.claims.expiresAt);
    },
    every(task) {
      tasks.push(task);
    },
    whenClosing(task) {
      closingTasks.push(task);
    },
    close() {
      clearInterval(timer);
      tasks.length = 0;
      for (const task of closingTasks.splice(0)) task();
    },
  };
}
