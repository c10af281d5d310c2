import { startFleet } from './fleet.ts';
import type { Fleet, FleetStats } from './fleet.ts';
import { parseSimArgs, SIM_USAGE } from './sim-args.ts';
import { loadScenario, writeLabels, type PreparedScenario } from './scenarios/scenario.ts';

/** Where the command writes, and what stops it. */
export interface SimCommandIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown };
  /** Aborting stops the fleet cleanly; without it, SIGINT and SIGTERM do. */
  signal?: AbortSignal;
}

/** On a pipe or a file, a progress line every this many ms (a terminal line rewrites itself). */
const PLAIN_PROGRESS_EVERY_MS = 5000;

/**
 * `sensegrid sim`: runs a fleet of simulated devices until `--duration` ends or the signal
 * aborts, showing progress, then prints a summary. Returns the exit code: 0 when done, 1 when
 * no device could connect or the fleet could not start, 2 for bad flags.
 */
export async function runSimCommand(argv: string[], io: SimCommandIo): Promise<number> {
  const args = parseSimArgs(argv);
  if (args.kind === 'help') {
    io.stdout.write(SIM_USAGE);
    return 0;
  }
  if (args.kind === 'invalid') {
    io.stderr.write(
      `sensegrid sim: SENSEGRID_SIM_BAD_FLAG\n${args.problems.map((p) => `  ${p}\n`).join('')}` +
        'Run sensegrid sim --help for usage.\n',
    );
    return 2;
  }

  const { signal, release } = stopSignal(io.signal);
  const tty = io.stdout.isTTY === true;
  let lastPlainAt = -Infinity;
  const onProgress = (s: FleetStats) => {
    if (tty) {
      io.stdout.write(`\r${formatProgress(s)}\x1b[K`);
    } else if (s.elapsedMs - lastPlainAt >= PLAIN_PROGRESS_EVERY_MS) {
      lastPlainAt = s.elapsedMs;
      io.stdout.write(`${formatProgress(s)}\n`);
    }
  };

  const { options } = args;
  let scenario: PreparedScenario | undefined;
  if (args.scenario) {
    try {
      scenario = await loadScenario(args.scenario.file);
      await writeLabels(args.scenario.labels, scenario.labels);
    } catch (error) {
      release();
      io.stderr.write(`sensegrid sim: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    io.stdout.write(
      `sensegrid sim: scenario ${scenario.scenario.name}: ${scenario.devices.length} devices, ` +
        `${scenario.incidents.length} incidents; labels in ${args.scenario.labels}\n`,
    );
  }
  io.stdout.write(
    `sensegrid sim: ${scenario?.devices.length ?? options.devices} devices -> ${options.url}, every ${options.intervalMs} ms, ` +
      `QoS ${options.qos}, seed ${options.seed}` +
      (options.durationMs !== undefined ? `, for ${options.durationMs / 1000} s` : '') +
      '\n',
  );
  let fleet: Fleet;
  try {
    fleet = await startFleet({ ...options, ...(scenario ? { scenario } : {}), onProgress, signal });
  } catch (error) {
    release();
    io.stderr.write(`sensegrid sim: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  await fleet.done;
  release();

  const final = fleet.stats();
  const everConnected = fleet.devices.some((d) => d.stats().connects > 0);
  if (tty) io.stdout.write('\n');
  io.stdout.write(`${formatSummary(final)}\n`);
  if (!everConnected) {
    const lastError = fleet.devices.map((d) => d.stats().lastError).find((e) => e !== undefined);
    io.stderr.write(
      `sensegrid sim: SENSEGRID_SIM_UNREACHABLE: no device could connect to ${options.url}` +
        (lastError ? ` (${lastError})` : '') +
        '. Start the gateway (npx sensegrid start), or check --url, --username and --password.\n',
    );
    return 1;
  }
  return 0;
}

export function formatProgress(s: FleetStats): string {
  return (
    `${s.connected}/${s.devices} connected  sent ${s.sent}  acked ${s.acked}  ` +
    `${Math.round(s.rate)}/s  dropped ${s.dropped}  errors ${s.errors}  ${formatSeconds(s.elapsedMs)}`
  );
}

export function formatSummary(s: FleetStats): string {
  return (
    `sensegrid sim: stopped after ${formatSeconds(s.elapsedMs)}: ${s.devices} devices, ` +
    `${s.sent} readings sent, ${s.acked} acked, ${s.dropped} dropped, ` +
    `${s.buffered} unsent, ${s.errors} errors`
  );
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The caller's abort signal, or one fired by SIGINT/SIGTERM while the command runs. */
function stopSignal(given: AbortSignal | undefined): { signal: AbortSignal; release: () => void } {
  if (given) return { signal: given, release: () => {} };
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}
