import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/sensegrid.mjs');
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Runs `sensegrid <command>` until its ready line; returns its log lines and how to stop it. */
async function startCli(command: 'start' | 'demo', dataDir: string) {
  const args = [BIN, command, '--mqtt-port', '0', '--http-port', '0', '--data-dir', dataDir];
  if (command === 'demo') args.push('--devices', '0');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = await new Promise<{ httpPort: number }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry.msg === 'ready') resolve(entry as never);
    });
    void exited.then((code) => reject(new Error(`exited ${code} before ready`)));
  });
  const url = `http://127.0.0.1:${ready.httpPort}`;
  return {
    url,
    lines,
    async stop() {
      // demo handles signals once its simulated city runs.
      if (command === 'demo') {
        await expect
          .poll(() => lines.some((l) => l.msg === 'demo city publishing'), { timeout: 30_000 })
          .toBe(true);
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  };
}

const login = (url: string, name: string, password: string) =>
  fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });

describe('the first start', () => {
  it('demo opens the console to guests and logs a generated admin password once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-first-'));
    dirs.push(dataDir);
    const first = await startCli('demo', dataDir);
    const created = first.lines.find((l) => String(l.msg).startsWith('created the console user'));
    expect(created).toMatchObject({ user: 'admin', password: expect.stringMatching(/^\S{24}$/) });
    expect((await fetch(`${first.url}/api/devices`)).status).toBe(200);
    const signedIn = await login(first.url, 'admin', String(created!.password));
    expect(await signedIn.json()).toMatchObject({ name: 'admin', role: 'admin' });
    await first.stop();

    const second = await startCli('demo', dataDir);
    expect(second.lines.some((l) => String(l.msg).startsWith('created the console user'))).toBe(
      false,
    );
    expect((await login(second.url, 'admin', String(created!.password))).status).toBe(200);
    await second.stop();
  }, 60_000);

  it('start requires signing in and says how to create the first user', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-first-'));
    dirs.push(dataDir);
    const gateway = await startCli('start', dataDir);
    expect(
      gateway.lines.find((l) => String(l.msg).startsWith('no console users yet')),
    ).toMatchObject({ msg: expect.stringContaining('sensegrid users add <name> --role admin') });
    expect((await fetch(`${gateway.url}/api/devices`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/api/health`)).status).toBe(200);
    await gateway.stop();
  }, 60_000);
});
