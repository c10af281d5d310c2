import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../src/alerts/signal.ts';
import { DEFAULT_TRAFFIC_OPTIONS } from '../src/guard/traffic/options.ts';
import { startGateway, type RunningGateway } from './gateway-harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/sensegrid.mjs');

let dir: string;
let rulesFile: string;
const running: RunningGateway[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-traffic-rules-'));
  rulesFile = join(dir, 'traffic.yaml');
  await writeFile(
    rulesFile,
    '# calmer about bursts, quicker about silence\nfloodFactor: 20\nsilenceMinMs: 15s\n',
  );
});
afterAll(async () => {
  for (const gateway of running) await gateway.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `sensegrid start` with `args`; resolves with its exit code and error output. */
function startCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, 'start', '--mqtt-port=0', '--http-port=0', ...args], {
    cwd: ROOT,
    env: { ...process.env, SENSEGRID_DATA_DIR: join(dir, 'cli-data'), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stderr })),
  );
}

describe('--traffic-rules in the gateway', () => {
  it("judges devices by the file's thresholds, the rest by the defaults", async () => {
    const gateway = await startGateway({ trafficRules: rulesFile });
    running.push(gateway);
    const { traffic, signals } = gateway.gateway;
    expect(traffic.options).toEqual({
      ...DEFAULT_TRAFFIC_OPTIONS,
      floodFactor: 20,
      silenceMinMs: 15_000,
    });
    const found: Signal[] = [];
    signals.onSignal((signal) => {
      if (signal.source === 'traffic') found.push(signal);
    });
    // The gateway's own monitor, fed with times a day ahead so its timer's checks at the wall
    // clock see nothing: a minute at one publish a second, then a burst of 12x that rate.
    const t0 = Date.now() + 86_400_000;
    traffic.connected('meter-1', '10.0.0.9', t0);
    for (let s = 0; s < 60; s++)
      traffic.published('meter-1', 'devices/meter-1/readings', 80, t0 + s * 1000);
    for (let i = 0; i < 60; i++)
      traffic.published('meter-1', 'devices/meter-1/readings', 80, t0 + 60_000 + i * 10);
    // Under 20x the usual rate: no flood (the defaults, 10x, would flag it).
    expect(found.map((s) => s.kind)).toEqual([]);
    // Quiet for 20 s: past the file's 15 s (the defaults wait 60 s).
    for (let s = 1; s <= 20; s++) traffic.check(t0 + 60_600 + s * 1000);
    expect(found.map((s) => [s.kind, s.device])).toEqual([['silence', 'meter-1']]);
  });

  it('lets thresholds given in code override those of the file', async () => {
    const gateway = await startGateway(
      { trafficRules: rulesFile },
      { traffic: { floodFactor: 30 } },
    );
    running.push(gateway);
    expect(gateway.gateway.traffic.options).toMatchObject({
      floodFactor: 30,
      silenceMinMs: 15_000,
    });
  });

  it('refuses to start on a bad file, naming the key, the file and what to do', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'floodFactor: 20\nfloodfactor: 20\nsilenceMinMs: -5\n');
    const { code, stderr } = await startCli(['--traffic-rules', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `SENSEGRID_CONFIG_INVALID: --traffic-rules (SENSEGRID_TRAFFIC_RULES) ${bad}:`,
    );
    expect(stderr).toContain(
      'line 2, floodfactor: not a setting of the traffic monitor (floodFactor?)',
    );
    expect(stderr).toContain('line 3, silenceMinMs: must be at least 1000 ms');
    expect(stderr).toContain('Fix the file: its settings are bucketMs');
  });

  it('refuses to start when the file named in the environment is missing', async () => {
    const missing = join(dir, 'missing.yaml');
    const { code, stderr } = await startCli([], { SENSEGRID_TRAFFIC_RULES: missing });
    expect(code).toBe(2);
    expect(stderr).toContain(
      `SENSEGRID_CONFIG_INVALID: --traffic-rules (SENSEGRID_TRAFFIC_RULES): the file ${missing} cannot be read`,
    );
    expect(stderr).toContain('or leave it out for the built-in thresholds');
  });
});
