import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, publish } from './gateway-harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/sensegrid.mjs');
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const ready = new Promise<{ mqttPort: number; httpPort: number }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry.msg === 'ready') resolve(entry as never);
    });
    void exited.then((code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
  });
  ready.catch(() => undefined); // tests of failing starts await `exited` instead
  return { child, lines, ready, exited, stderr: () => stderr };
}

describe('sensegrid start', () => {
  it('logs a JSON ready line with its ports and exits 0 on SIGTERM after storing what it took', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-cli-'));
    dirs.push(dataDir);
    const gateway = run(['start', '--mqtt-port', '0', '--http-port=0', '--allow-anonymous'], {
      SENSEGRID_DATA_DIR: dataDir,
    });
    const { mqttPort, httpPort } = await gateway.ready;
    expect(mqttPort).toBeGreaterThan(0);
    expect(httpPort).toBeGreaterThan(0);

    const client = await connectClient(`mqtt://127.0.0.1:${mqttPort}`);
    await publish(
      client,
      'devices/air-0009/readings',
      JSON.stringify({ seq: 1, values: { pm25: 3 } }),
    );
    await client.endAsync();
    const health = (await (await fetch(`http://127.0.0.1:${httpPort}/api/health`)).json()) as {
      status: string;
    };
    expect(health.status).toBe('ok');

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(gateway.lines.at(-1)).toMatchObject({ msg: 'stopped', drained: true });
  });

  it('exits non-zero naming every bad setting and what to do', async () => {
    const gateway = run(['start', '--mqtt-port', '99999', '--store', 'postgres://x'], {
      SENSEGRID_LOG_LEVEL: 'loud',
    });
    expect(await gateway.exited).toBe(2);
    const message = gateway.stderr();
    expect(message).toContain('SENSEGRID_CONFIG_INVALID');
    expect(message).toContain('--mqtt-port (SENSEGRID_MQTT_PORT)');
    expect(message).toContain('--store (SENSEGRID_STORE)');
    expect(message).toContain('--log-level (SENSEGRID_LOG_LEVEL)');
  });

  it('refuses an unknown flag with a pointer to --help', async () => {
    const gateway = run(['start', '--mqtt-prot', '1883']);
    expect(await gateway.exited).toBe(2);
    expect(gateway.stderr()).toContain('--help');
  });
});

describe('sensegrid demo', () => {
  it('stops cleanly on a SIGTERM that arrives while its fleet is still starting', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-demo-'));
    dirs.push(dataDir);
    const demo = run(['demo', '--mqtt-port=0', '--http-port=0', '--devices=2000'], {
      SENSEGRID_DATA_DIR: dataDir,
    });
    await demo.ready;
    // Two thousand simulated devices take a while to connect: the signal comes before that.
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
    expect(demo.lines.some((line) => line.msg === 'shutting down')).toBe(true);
    expect(demo.lines.at(-1)).toMatchObject({ msg: 'stopped' });
  }, 60_000);
});
