import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The node flags the gateway ships with (bin/sensegrid.mjs's first line, `npm start`, the
 * Dockerfile). Every child gets them, the bare-broker baseline too, so both run alike.
 */
export const NODE_FLAGS = ['--max-semi-space-size=64'];

export interface Child {
  process: ChildProcess;
  ready: { mqttPort: number; httpPort?: number };
  stop(): Promise<void>;
}

/** Runs a node entry of the repository and waits for its JSON `ready` line. */
export async function startChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Child> {
  // BENCH_CPU_PROF=<dir> writes a CPU profile of every child into <dir> when it exits.
  const profile = process.env.BENCH_CPU_PROF;
  args = [...NODE_FLAGS, ...args];
  if (profile) args = ['--cpu-prof', `--cpu-prof-dir=${profile}`, ...args];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<Child['ready']>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited with ${code} before ready`)),
    );
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; mqttPort?: number; httpPort?: number };
        if (entry.msg === 'ready') resolve({ mqttPort: entry.mqttPort!, httpPort: entry.httpPort });
      } catch {
        // not a JSON line
      }
    });
  });
  return {
    process: child,
    ready,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
