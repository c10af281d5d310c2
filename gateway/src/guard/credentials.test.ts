import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialStore } from './credentials.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-credentials-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CredentialStore', () => {
  it('verifies the secret a device was provisioned with, and nothing else', async () => {
    const store = new CredentialStore(join(dir, 'credentials.json'));
    const secrets = await store.provision([{ id: 'air-0001', kind: 'air' }, { id: 'air-0002' }]);
    expect(await store.verify('air-0001', secrets.get('air-0001')!)).toBe(true);
    expect(await store.verify('air-0001', secrets.get('air-0002')!)).toBe(false);
    expect(await store.verify('air-0003', secrets.get('air-0001')!)).toBe(false);
    expect((await stat(join(dir, 'credentials.json'))).mode & 0o777).toBe(0o600);
  });

  it('keeps no secret in its file', async () => {
    const store = new CredentialStore(join(dir, 'credentials.json'));
    const secrets = await store.provision([{ id: 'air-0001' }]);
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(join(dir, 'credentials.json'), 'utf8');
    expect(text).not.toContain(secrets.get('air-0001'));
    expect(text).toMatch(/scrypt\$/);
  });

  it('stops accepting the old secret after a rotation and any secret after a revocation', async () => {
    const store = new CredentialStore(join(dir, 'credentials.json'));
    const old = (await store.provision([{ id: 'a' }])).get('a')!;
    expect(await store.verify('a', old)).toBe(true);
    const fresh = await store.rotate('a');
    expect(await store.verify('a', old)).toBe(false);
    expect(await store.verify('a', fresh)).toBe(true);
    await store.revoke('a');
    expect(await store.verify('a', fresh)).toBe(false);
    expect(store.revoked()).toEqual(['a']);
  });

  it('refuses the whole list when an id is bad, taken or repeated', async () => {
    const store = new CredentialStore(join(dir, 'credentials.json'));
    await store.provision([{ id: 'a' }]);
    await expect(
      store.provision([{ id: 'b' }, { id: 'a' }, { id: 'no spaces' }, { id: 'b' }]),
    ).rejects.toThrow(/a is already provisioned[\s\S]*not a device id[\s\S]*b appears twice/);
    expect(store.get('b')).toBeUndefined();
  });

  it('sees a revocation written by another process after reload', async () => {
    const file = join(dir, 'credentials.json');
    const gateway = new CredentialStore(file);
    const cli = new CredentialStore(file);
    const secret = (await cli.provision([{ id: 'a' }])).get('a')!;
    gateway.reload();
    expect(await gateway.verify('a', secret)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20)); // a new mtime
    await cli.revoke('a');
    expect(gateway.reload()).toBe(true);
    expect(await gateway.verify('a', secret)).toBe(false);
  });

  it('treats a missing file as no devices', async () => {
    await writeFile(join(dir, 'other'), '');
    expect(new CredentialStore(join(dir, 'credentials.json')).size).toBe(0);
  });
});
