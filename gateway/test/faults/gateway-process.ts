import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../harness/ports.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/sensegrid.mjs');
const LOG_LINES_KEPT = 400;
const PORT_ATTEMPTS = 4;

export interface GatewayProcessOptions {
  /** `--store`; the SQLite file in the data folder when absent. */
  store?: string;
  /** More `start` flags, e.g. `['--wal-max-bytes', '2097152']`. */
  args?: string[];
  /** How long to wait for the `ready` line, in ms. */
  readyTimeoutMs?: number;
  /** How often the resident memory of the process is sampled, in ms. */
  rssIntervalMs?: number;
}

/** `GET /api/health` as the gateway answers it (the fields the fault tests read). */
export interface GatewayHealth {
  status: 'ok' | 'degraded';
  writer: { failing: boolean; stored: number; consecutiveFailures: number; lastError?: string };
  broker: { clients: number };
  wal: {
    pendingReadings: number;
    bytes: number;
    maxBytes: number;
    segments: number;
    waitingAppends: number;
    checkpointLsn: number;
    lastLsn: number;
    full: boolean;
  };
}

/** One JSON log line of the gateway. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/**
 * `sensegrid start` as a child process on fixed ports and a fixed data folder, so it can be
 * killed (SIGKILL: a crash) and started again where devices expect it, with its write-ahead log.
 */
export interface GatewayProcess {
  readonly mqttPort: number;
  readonly httpPort: number;
  readonly mqttUrl: string;
  readonly wsUrl: string;
  readonly httpUrl: string;
  readonly dataDir: string;
  readonly running: boolean;
  /** Kills the process with SIGKILL (a crash) and waits for it to be gone. */
  crash(): Promise<void>;
  /** Starts the process again on the same ports and data folder; resolves once it is ready. */
  restart(): Promise<void>;
  /** SIGTERM, then waits for the exit code (a clean shutdown flushes the log to the store). */
  stop(timeoutMs?: number): Promise<number | null>;
  health(): Promise<GatewayHealth>;
  /** A gauge or counter from `GET /metrics` (without labels); undefined when absent. */
  metric(name: string): Promise<number | undefined>;
  /** The largest resident set size seen since start (or since `resetPeakRss`), in bytes. */
  peakRssBytes(): number;
  resetPeakRss(): void;
  /** The last log lines, oldest first, across restarts. */
  logs(): LogLine[];
  /** What the current (or last) process wrote to stderr, its tail. */
  stderr(): string;
  /** How the last process ended: its exit code or signal; undefined while it runs. */
  exit(): { code: number | null; signal: string | null } | undefined;
  /** Stops the process (SIGKILL if it does not exit) and removes the data folder. */
  dispose(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
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

/** Resident set size of a process in bytes, from /proc; 0 once it is gone. */
export function readRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Starts `sensegrid start` on two free ports with a fresh temporary data folder. */
export async function startGatewayProcess(
  options: GatewayProcessOptions = {},
): Promise<GatewayProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-faults-'));
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  let [mqttPort, httpPort] = (await freePorts(2)) as [number, number];
  let child: ChildProcess | undefined;
  let stderr = '';
  const lines: LogLine[] = [];
  let peakRss = 0;

  const sampler = setInterval(() => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      peakRss = Math.max(peakRss, readRssBytes(child.pid));
    }
  }, options.rssIntervalMs ?? 200);
  sampler.unref();

  function launchOnce(): Promise<'ready' | 'port-taken'> {
    const args = [
      BIN,
      'start',
      '--mqtt-port',
      String(mqttPort),
      '--http-port',
      String(httpPort),
      '--data-dir',
      dataDir,
      '--allow-anonymous',
      '--log-level',
      'info',
      ...(options.store ? ['--store', options.store] : []),
      ...(options.args ?? []),
    ];
    const started = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    live.add(started);
    killAllOnExit();
    started.once('exit', () => live.delete(started));
    stderr = '';
    started.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-16_384);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        started.kill('SIGKILL');
        reject(new Error(`the gateway was not ready in ${readyTimeoutMs} ms:\n${stderr}`));
      }, readyTimeoutMs);
      createInterface({ input: started.stdout! }).on('line', (text) => {
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          line = { msg: text };
        }
        lines.push(line);
        if (lines.length > LOG_LINES_KEPT) lines.splice(0, lines.length - LOG_LINES_KEPT);
        if (line.msg === 'ready') {
          clearTimeout(timer);
          resolve('ready');
        }
      });
      started.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (/EADDRINUSE/.test(stderr)) resolve('port-taken');
        else reject(new Error(`the gateway exited (${code ?? signal}) before ready:\n${stderr}`));
      });
    });
  }

  /** On the first start a taken port means new ports; later the ports must stay the same. */
  async function launch(pickNewPorts: boolean): Promise<void> {
    for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      if ((await launchOnce()) === 'ready') return;
      if (pickNewPorts) [mqttPort, httpPort] = (await freePorts(2)) as [number, number];
      else await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
    throw new Error(`the gateway could not bind ${mqttPort} / ${httpPort}:\n${stderr}`);
  }

  const isRunning = () =>
    child !== undefined && child.exitCode === null && child.signalCode === null;

  async function kill(signal: 'SIGKILL' | 'SIGTERM', timeoutMs: number): Promise<number | null> {
    const current = child;
    if (current === undefined) return null;
    if (isRunning()) {
      current.kill(signal);
      if (!(await waitForExit(current, timeoutMs))) {
        current.kill('SIGKILL');
        await waitForExit(current, 5_000);
      }
    }
    return current.exitCode;
  }

  try {
    await launch(true);
  } catch (error) {
    clearInterval(sampler);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  const httpUrl = () => `http://127.0.0.1:${httpPort}`;
  return {
    get mqttPort() {
      return mqttPort;
    },
    get httpPort() {
      return httpPort;
    },
    get mqttUrl() {
      return `mqtt://127.0.0.1:${mqttPort}`;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${httpPort}/mqtt`;
    },
    get httpUrl() {
      return httpUrl();
    },
    dataDir,
    get running() {
      return isRunning();
    },
    async crash() {
      await kill('SIGKILL', 5_000);
    },
    async restart() {
      await kill('SIGKILL', 5_000);
      await launch(false);
    },
    stop: (timeoutMs = 60_000) => kill('SIGTERM', timeoutMs),
    async health() {
      const response = await fetch(`${httpUrl()}/api/health`, {
        signal: AbortSignal.timeout(15_000),
      });
      return (await response.json()) as GatewayHealth;
    },
    async metric(name) {
      const response = await fetch(`${httpUrl()}/metrics`, { signal: AbortSignal.timeout(15_000) });
      const text = await response.text();
      const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    },
    peakRssBytes: () => peakRss,
    resetPeakRss() {
      peakRss = child?.pid !== undefined ? readRssBytes(child.pid) : 0;
    },
    logs: () => [...lines],
    stderr: () => stderr,
    exit: () =>
      child === undefined || isRunning()
        ? undefined
        : { code: child.exitCode, signal: child.signalCode },
    async dispose() {
      clearInterval(sampler);
      await kill('SIGTERM', 30_000);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
