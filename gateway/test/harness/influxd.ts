import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { describeWithBinary, findBinary } from './binaries.ts';
import { freePorts } from './ports.ts';

export interface StartInfluxdOptions {
  /** Path of the influxd binary; found on PATH when absent. */
  binary?: string;
  /** How long to wait for `/ping` to answer, in milliseconds. */
  readyTimeoutMs?: number;
  /** influxd's own log level; its output is kept for error messages, not printed. */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

/** A running InfluxDB 1.x started for tests on ephemeral ports with a temporary data folder. */
export interface Influxd {
  /** `http://127.0.0.1:<port>`, stable across kill() and restart(). */
  readonly url: string;
  /** HTTP port. */
  readonly port: number;
  /** The RPC/meta port (`bind-address`), used by backup and restore. */
  readonly rpcPort: number;
  /** Temporary folder holding the config, meta, data and wal. */
  readonly dir: string;
  readonly running: boolean;
  /** Stops the process and keeps its data, to simulate an outage. SIGKILL simulates a crash. */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts again on the same ports with the same data; waits until `/ping` answers. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections open, nothing answers. */
  pause(): void;
  /** Unfreezes a paused process (SIGCONT). */
  resume(): void;
  /** Kills the process and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
  /** What influxd printed lately (stdout and stderr). */
  output(): string;
}

const OUTPUT_LIMIT_CHARS = 64 * 1024;
const PORT_ATTEMPTS = 4;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function renderConfig(dir: string, port: number, rpcPort: number, logLevel: string): string {
  // Debian's 1.6 build reads `reporting-enabled`, upstream reads `reporting-disabled`;
  // unknown keys are ignored, so both are set.
  return `reporting-enabled = false
reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  bind-address = "127.0.0.1:${port}"
  log-enabled = false
  suppress-write-log = true
  pprof-enabled = false

[logging]
  level = "${logLevel}"
  suppress-logo = true
`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function pingOnce(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
    await response.arrayBuffer();
    return response.status === 204;
  } catch {
    return false;
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts Debian's influxd (1.x) on free ports with a fresh temporary folder. */
export async function startInfluxd(options: StartInfluxdOptions = {}): Promise<Influxd> {
  const binary = options.binary ?? findBinary('influxd');
  if (binary === undefined) {
    throw new Error('influxd is not installed. Install it with: apt-get install -y influxdb');
  }
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const logLevel = options.logLevel ?? 'warn';
  const dir = await mkdtemp(join(tmpdir(), 'sensegrid-influxd-'));
  const configPath = join(dir, 'influxdb.conf');
  let [port, rpcPort] = (await freePorts(2)) as [number, number];
  let child: ChildProcess | undefined;
  let output = '';
  let paused = false;
  let removed = false;

  const record = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT_CHARS);
  };
  const url = (): string => `http://127.0.0.1:${port}`;

  async function launchOnce(): Promise<'ready' | 'port-taken'> {
    await writeFile(configPath, renderConfig(dir, port, rpcPort, logLevel));
    const started = spawn(binary as string, ['run', '-config', configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    live.add(started);
    killAllOnExit();
    started.stdout?.on('data', record);
    started.stderr?.on('data', record);
    started.once('exit', () => live.delete(started));
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) {
        if (/address already in use/i.test(output)) return 'port-taken';
        throw new Error(
          `influxd exited with ${started.exitCode ?? started.signalCode}:\n${output}`,
        );
      }
      if (await pingOnce(url())) return 'ready';
      await delay(50);
    }
    started.kill('SIGKILL');
    throw new Error(`influxd did not answer /ping at ${url()} in ${readyTimeoutMs} ms:\n${output}`);
  }

  async function launch(pickNewPorts: boolean): Promise<void> {
    for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt += 1) {
      output = '';
      if ((await launchOnce()) === 'ready') return;
      if (pickNewPorts) [port, rpcPort] = (await freePorts(2)) as [number, number];
      else await delay(250 * attempt);
    }
    throw new Error(`influxd could not bind 127.0.0.1:${port} / :${rpcPort}:\n${output}`);
  }

  async function kill(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const current = child;
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) return;
    if (paused) resume();
    current.kill(signal);
    if (!(await waitForExit(current, 10_000))) {
      current.kill('SIGKILL');
      await waitForExit(current, 5_000);
    }
  }

  function pause(): void {
    if (child !== undefined && !paused) {
      child.kill('SIGSTOP');
      paused = true;
    }
  }

  function resume(): void {
    if (child !== undefined && paused) {
      child.kill('SIGCONT');
      paused = false;
    }
  }

  try {
    await launch(true);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    get url() {
      return url();
    },
    get port() {
      return port;
    },
    get rpcPort() {
      return rpcPort;
    },
    dir,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    kill,
    async restart() {
      if (removed) throw new Error('influxd was stopped and its folder removed; start a new one');
      await kill();
      await launch(false);
    },
    pause,
    resume,
    async stop() {
      await kill('SIGKILL');
      if (!removed) {
        removed = true;
        await rm(dir, { recursive: true, force: true });
      }
    },
    output: () => output,
  };
}

/**
 * A `describe` with one InfluxDB for its tests (see describeWithBinary for what happens when
 * influxd is missing). `influxd()` gives the running instance inside the tests.
 */
export function describeWithInfluxd(title: string, fn: (influxd: () => Influxd) => void): void {
  describeWithBinary('influxd', 'apt-get install -y influxdb', title, () => {
    let influxd: Influxd | undefined;
    beforeAll(async () => {
      influxd = await startInfluxd();
    });
    afterAll(async () => {
      await influxd?.stop();
    });
    fn(() => influxd!);
  });
}
