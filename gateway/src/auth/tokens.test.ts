import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.ts';
import { TokenSigner, loadTokenSecret } from './tokens.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-tokens-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tokens', () => {
  it('checks a token it signed until it expires', () => {
    const signer = new TokenSigner(Buffer.alloc(32, 3));
    const issued = signer.issue('ada', 'operator', 60_000, 1_000_000);
    expect(issued.expiresAt).toBe(1_060_000);
    expect(signer.check(issued.token, 1_059_999)).toMatchObject({
      ok: true,
      claims: { name: 'ada', role: 'operator', issuedAt: 1_000_000 },
    });
    expect(signer.check(issued.token, 1_060_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token whose claims were changed, or that another key signed', () => {
    const signer = new TokenSigner(Buffer.alloc(32, 3));
    const { token } = signer.issue('ada', 'viewer', 60_000);
    const [prefix, body, mac] = token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as object;
    const promoted = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString(
      'base64url',
    );
    expect(signer.check(`${prefix}.${promoted}.${mac}`)).toEqual({ ok: false, reason: 'forged' });
    const other = new TokenSigner(Buffer.alloc(32, 4));
    expect(other.check(token)).toEqual({ ok: false, reason: 'forged' });
    expect(signer.check(`${token}.x`)).toEqual({ ok: false, reason: 'malformed' });
    expect(signer.check('Bearer')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('generates the signing key once, private, and keeps it across loads', async () => {
    const file = join(dir, 'nested', 'token-secret');
    const first = loadTokenSecret(file);
    expect(first).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(loadTokenSecret(file).equals(first)).toBe(true);
  });

  it('reads --token-ttl as a duration and names the setting when it is wrong', () => {
    expect(parseConfig({}).tokenTtlMs).toBe(12 * 3600_000);
    expect(parseConfig({ tokenTtlMs: '30m' }).tokenTtlMs).toBe(1_800_000);
    expect(parseConfig({ tokenTtlMs: '90s' }).tokenTtlMs).toBe(90_000);
    expect(parseConfig({ tokenTtlMs: '2d' }).tokenTtlMs).toBe(172_800_000);
    expect(parseConfig({ tokenTtlMs: '5000' }).tokenTtlMs).toBe(5000);
    expect(() => parseConfig({ tokenTtlMs: 'soon' })).toThrow(
      /--token-ttl \(SENSEGRID_TOKEN_TTL\): use a duration like 12h/,
    );
    expect(() => parseConfig({ tokenTtlMs: '10ms' })).toThrow(/--token-ttl.*at least 1s/);
  });
});
