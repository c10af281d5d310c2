import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt cost. Device secrets are 192 random bits, not chosen by people, so the hash needs no
 * high work factor to resist guessing; a low one keeps a fleet's first logins after a restart
 * fast (a few ms each). The parameters are stored with each hash, so they can be raised later.
 */
const SCRYPT = { N: 1024, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

/** A new device secret: 24 random bytes, base64url. */
export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

function derive(secret: string, salt: Buffer, params: { N: number; r: number; p: number }) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, KEY_BYTES, params, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** scrypt cost parameters; stored with each hash. */
export type ScryptCost = { N: number; r: number; p: number };

/** `scrypt$N$r$p$salt$key`, salt and key base64url. */
export async function hashSecret(secret: string, cost: ScryptCost = SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, cost);
  return [
    'scrypt',
    cost.N,
    cost.r,
    cost.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = encoded.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Remembers secrets that passed scrypt, by a keyed digest, so that a fleet reconnecting at
 * once costs one scrypt per device, not one per connection. Bounded; cleared on rotation.
 */
export class SecretCache {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, Buffer>();

  constructor(private readonly maxEntries = 100_000) {}

  private digest(secret: string): Buffer {
    return createHash('sha256').update(this.key).update(secret).digest();
  }

  matches(id: string, secret: string): boolean {
    const known = this.verified.get(id);
    return known !== undefined && timingSafeEqual(known, this.digest(secret));
  }

  remember(id: string, secret: string): void {
    if (this.verified.size >= this.maxEntries) this.verified.clear();
    this.verified.set(id, this.digest(secret));
  }

  forget(id: string): void {
    this.verified.delete(id);
  }
}
