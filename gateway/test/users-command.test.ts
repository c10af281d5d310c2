import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './gateway-harness.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/sensegrid.mjs', import.meta.url));
let running: RunningGateway;

beforeAll(async () => {
  running = await startGateway({ openConsole: false });
});
afterAll(async () => {
  await running?.dispose();
});

const users = (...args: string[]) =>
  run(process.execPath, [BIN, 'users', ...args, '--data-dir', running.dataDir]);

function usersWithStdin(input: string, ...args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      BIN,
      'users',
      ...args,
      '--password-stdin',
      '--data-dir',
      running.dataDir,
    ]);
    child.on('error', reject);
    child.on('close', resolve);
    child.stdin.end(input);
  });
}

const login = async (name: string, password: string) => {
  const response = await fetch(`${running.httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  return { status: response.status, body: (await response.json()) as { token?: string } };
};
const devices = (token: string) =>
  fetch(`${running.httpUrl}/api/devices`, { headers: { authorization: `Bearer ${token}` } });

describe('sensegrid users', () => {
  it('adds a user with a generated password that a running gateway accepts at once', async () => {
    const added = await users('add', 'noor', '--role', 'dispatcher');
    const password = added.stdout.trim();
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(added.stderr).toContain('shown only this once');
    const signedIn = await login('noor', password);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ name: 'noor', role: 'dispatcher' });
  });

  it('takes a password from stdin, lists users without secrets, and refuses bad input', async () => {
    expect(await usersWithStdin('a long passphrase\n', 'add', 'omar', '--role', 'viewer')).toBe(0);
    expect((await login('omar', 'a long passphrase')).status).toBe(200);
    const listed = await users('list');
    expect(listed.stdout).toMatch(/^name,role,created,password changed\n/);
    expect(listed.stdout).toMatch(/\nomar,viewer,\S+,\S+\n/);
    expect(listed.stdout).not.toContain('scrypt');
    await expect(users('add', 'omar', '--role', 'viewer')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('SENSEGRID_USER_EXISTS'),
    });
    await expect(users('add', 'zed', '--role', 'king')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--role must be one of viewer, operator, dispatcher, admin'),
    });
    expect(await usersWithStdin('short\n', 'add', 'zed', '--role', 'viewer')).toBe(2);
  });

  it('ends the tokens of a user whose password changes or who is removed', async () => {
    await users('add', 'pia', '--role', 'operator');
    const changed = await users('passwd', 'pia');
    const password = changed.stdout.trim();
    const { body } = await login('pia', password);
    expect((await devices(body.token!)).status).toBe(200);

    await users('passwd', 'pia');
    await expect.poll(async () => (await devices(body.token!)).status).toBe(401);
    expect((await login('pia', password)).status).toBe(401);

    const fresh = (await users('passwd', 'pia')).stdout.trim();
    const again = await login('pia', fresh);
    await users('remove', 'pia');
    await expect.poll(async () => (await devices(again.body.token!)).status).toBe(401);
    expect((await login('pia', fresh)).status).toBe(401);
  });
});
