import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRole, type Role } from './roles.ts';

/** What a token says: who, with which role, issued and expiring when (epoch ms). */
export interface TokenClaims {
  name: string;
  role: Role;
  issuedAt: number;
  expiresAt: number;
  /** Identifies one token, so that signing out can revoke it. */
  id: string;
}

export type TokenCheck =
  { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const PREFIX = 'sg1';
const SECRET_BYTES = 32;

/**
 * The signing key of tokens: 32 random bytes generated once into the data folder (mode 600),
 * so tokens stay valid across restarts and every node sharing the folder accepts them.
 */
export function loadTokenSecret(file: string): Buffer {
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(SECRET_BYTES).toString('base64url')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
}

/** Signs and checks tokens: `sg1.<claims, base64url JSON>.<HMAC-SHA256, base64url>`. */
export class TokenSigner {
  constructor(private readonly secret: Buffer) {}

  issue(
    name: string,
    role: Role,
    ttlMs: number,
    now = Date.now(),
  ): TokenClaims & { token: string } {
    const claims: TokenClaims = {
      name,
      role,
      issuedAt: now,
      expiresAt: now + ttlMs,
      id: randomBytes(9).toString('base64url'),
    };
    return { ...claims, token: this.sign(claims) };
  }

  sign(claims: TokenClaims): string {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${PREFIX}.${body}.${this.mac(body).toString('base64url')}`;
  }

  check(token: string, now = Date.now()): TokenCheck {
    const [prefix, body, mac, extra] = token.split('.');
    if (prefix !== PREFIX || !body || !mac || extra !== undefined) {
      return { ok: false, reason: 'malformed' };
    }
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'forged' };
    }
    const claims = parseClaims(body);
    if (!claims) return { ok: false, reason: 'malformed' };
    if (claims.expiresAt <= now) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(`${PREFIX}.${body}`).digest();
  }
}

function parseClaims(body: string): TokenClaims | undefined {
  try {
    const value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    const numbers = [value.issuedAt, value.expiresAt];
    if (typeof value.name !== 'string' || !isRole(value.role) || typeof value.id !== 'string')
      return undefined;
    return numbers.every(Number.isFinite) ? value : undefined;
  } catch {
    return undefined;
  }
}
