import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserStore } from './users.ts';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-users-'));
  file = join(dir, 'users.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the users registry', () => {
  it('verifies passwords against scrypt hashes kept in a private file', async () => {
    const users = new UserStore(file);
    await users.add('ada', 'dispatcher', 'correct horse');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await users.verify('ada', 'correct horse')).toMatchObject({ role: 'dispatcher' });
    expect(await users.verify('ada', 'correct horse!')).toBeUndefined();
    expect(await users.verify('bob', 'correct horse')).toBeUndefined();
    expect(users.get('ada')!.hash).toMatch(/^scrypt\$16384\$8\$1\$/);
  });

  it('sees what another process changed, and forgets a remembered old password', async () => {
    const gateway = new UserStore(file);
    const cli = new UserStore(file);
    await cli.add('ada', 'viewer', 'first password');
    expect(gateway.reload()).toBe(true);
    expect(await gateway.verify('ada', 'first password')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 10)); // a new mtime
    await cli.setPassword('ada', 'second password');
    expect(gateway.reload()).toBe(true);
    expect(await gateway.verify('ada', 'first password')).toBeUndefined();
    expect(await gateway.verify('ada', 'second password')).toBeDefined();
    expect(gateway.reload()).toBe(false);
  });

  it('refuses bad names, unknown roles, short passwords and existing users with what to do', async () => {
    const users = new UserStore(file);
    await expect(users.add('a b', 'viewer', 'long enough')).rejects.toThrow(
      /SENSEGRID_USER_INVALID: "a b" is not a user name/,
    );
    await expect(users.add('ada', 'king' as never, 'long enough')).rejects.toThrow(
      /not a role.*viewer, operator, dispatcher, admin/,
    );
    await expect(users.add('ada', 'viewer', 'short')).rejects.toThrow(/shorter than 8/);
    await users.add('ada', 'viewer', 'long enough');
    await expect(users.add('ada', 'admin', 'long enough')).rejects.toThrow(/SENSEGRID_USER_EXISTS/);
    await expect(users.remove('bob')).rejects.toThrow(
      /SENSEGRID_USER_UNKNOWN.*sensegrid users list/,
    );
    expect(users.list()).toEqual([
      {
        name: 'ada',
        role: 'viewer',
        createdAt: expect.any(Number),
        passwordChangedAt: expect.any(Number),
      },
    ]);
  });
});
