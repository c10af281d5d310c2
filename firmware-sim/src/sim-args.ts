import { parseArgs } from 'node:util';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS } from './commands.ts';
import type { FleetOptions } from './fleet.ts';

export const SIM_USAGE = `Usage: sensegrid sim [options]

Simulated devices of the seeded demo city publishing readings to an MQTT broker.

Options:
  --url <url>            broker: mqtt://host:port, mqtts://, ws://host:port/mqtt, wss://
                         (default mqtt://127.0.0.1:1883)
  --devices <n>          number of devices (default 100)
  --interval <ms>        time between a device's readings (default 1000)
  --qos <0|1>            QoS of readings (default 1)
  --seed <n>             seed for device placement and values (default 1)
  --duration <s>         stop after this many seconds (default: run until Ctrl-C)
  --batch <n>            readings per message (default 1)
  --concurrency <n>      devices connecting at once (default 100)
  --buffer <n>           readings a device keeps while offline (default 1000)
  --start-time <time>    simulated start, epoch ms or ISO 8601 (default: now)
  --username <name>      one username for every device (default: the device id)
  --password <secret>    password for every device
  --scenario <file>      run a scenario (JSON or YAML, see firmware-sim/scenarios/):
                         its devices, start and incidents; --interval is then the
                         wall-clock pace of one scenario reporting interval
  --labels <file>        where the scenario's incident labels go (NDJSON; default
                         <scenario file>.labels.ndjson)
  -h, --help             show this help
`;

/** What the command line asked for: either options for a fleet, help, or the problems found. */
export type SimArgs =
  | {
      kind: 'run';
      options: Omit<FleetOptions, 'onProgress' | 'signal' | 'scenario'>;
      scenario?: { file: string; labels: string };
    }
  | { kind: 'help' }
  | { kind: 'invalid'; problems: string[] };

const FLAGS = {
  url: { type: 'string' },
  devices: { type: 'string' },
  interval: { type: 'string' },
  qos: { type: 'string' },
  seed: { type: 'string' },
  duration: { type: 'string' },
  batch: { type: 'string' },
  concurrency: { type: 'string' },
  buffer: { type: 'string' },
  'start-time': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  scenario: { type: 'string' },
  labels: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Reads `sensegrid sim` flags; every problem is reported with the flag and what to do. */
export function parseSimArgs(argv: readonly string[]): SimArgs {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>['values'];
  try {
    ({ values } = parseArgs({ args: joinDashValues(argv), options: FLAGS, strict: true }));
  } catch (error) {
    return { kind: 'invalid', problems: [describeParseError(error)] };
  }
  if (values.help) return { kind: 'help' };

  const problems: string[] = [];
  const whole = (flag: string, text: string | undefined, fallback: number, min: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (text.trim() !== '' && Number.isInteger(n) && n >= min) return n;
    problems.push(
      `--${flag} must be a whole number >= ${min} (got "${text}"). Try --${flag} ${fallback}.`,
    );
    return fallback;
  };

  const url = values.url ?? 'mqtt://127.0.0.1:1883';
  if (!/^(mqtts?|wss?):\/\/[^/]+/.test(url)) {
    problems.push(
      `--url must look like mqtt://host:port or ws://host:port/mqtt (got "${url}"). ` +
        'Try --url mqtt://127.0.0.1:1883.',
    );
  }
  const devices = whole('devices', values.devices, 100, 1);
  const intervalMs = whole('interval', values.interval, 1000, MIN_INTERVAL_MS);
  if (intervalMs > MAX_INTERVAL_MS) {
    problems.push(`--interval must be at most ${MAX_INTERVAL_MS} ms (one day).`);
  }
  const seed = whole('seed', values.seed, 1, 0);
  const batch = whole('batch', values.batch, 1, 1);
  const connectConcurrency = whole('concurrency', values.concurrency, 100, 1);
  const bufferLimit = whole('buffer', values.buffer, 1000, 1);

  let qos: 0 | 1 = 1;
  if (values.qos !== undefined) {
    if (values.qos === '0' || values.qos === '1') qos = Number(values.qos) as 0 | 1;
    else problems.push(`--qos must be 0 or 1 (got "${values.qos}"). Use --qos 0 or --qos 1.`);
  }

  let durationMs: number | undefined;
  if (values.duration !== undefined) {
    const seconds = Number(values.duration);
    if (values.duration.trim() !== '' && Number.isFinite(seconds) && seconds > 0) {
      durationMs = Math.round(seconds * 1000);
    } else {
      problems.push(
        `--duration must be a number of seconds > 0 (got "${values.duration}"). ` +
          'Try --duration 60, or leave it out to run until Ctrl-C.',
      );
    }
  }

  let startTime: number | undefined;
  const start = values['start-time'];
  if (start !== undefined) {
    startTime = /^\d+$/.test(start) ? Number(start) : Date.parse(start);
    if (!Number.isFinite(startTime)) {
      problems.push(
        `--start-time must be epoch milliseconds or ISO 8601 (got "${start}"). ` +
          'Try --start-time 2025-01-06T00:00:00Z.',
      );
    }
  }

  if (values.username !== undefined && values.password === undefined) {
    problems.push('--username needs --password as well. Add --password <secret>.');
  }

  if (values.labels !== undefined && values.scenario === undefined) {
    problems.push('--labels goes with --scenario. Add --scenario <file>.');
  }

  if (problems.length > 0) return { kind: 'invalid', problems };
  return {
    kind: 'run',
    ...(values.scenario !== undefined
      ? {
          scenario: {
            file: values.scenario,
            labels:
              values.labels ?? `${values.scenario.replace(/\.(json|ya?ml)$/i, '')}.labels.ndjson`,
          },
        }
      : {}),
    options: {
      url,
      devices,
      intervalMs,
      qos,
      seed,
      batch,
      connectConcurrency,
      bufferLimit,
      ...(durationMs !== undefined ? { durationMs } : {}),
      ...(startTime !== undefined ? { startTime } : {}),
      ...(values.username !== undefined ? { username: values.username } : {}),
      ...(values.password !== undefined ? { password: values.password } : {}),
    },
  };
}

/**
 * parseArgs reads `--devices -4` as a missing value followed by an unknown flag; joining it
 * into `--devices=-4` lets the value checks name the real problem.
 */
function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    const takesValue = name in FLAGS && FLAGS[name as keyof typeof FLAGS].type === 'string';
    if (takesValue && next !== undefined && next.startsWith('-') && !isFlag(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function isFlag(arg: string): boolean {
  return arg === '-h' || (arg.startsWith('--') && arg.slice(2).split('=')[0]! in FLAGS);
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${quoted}. Run sensegrid sim --help to see the flags.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted.split(' ')[0];
      return `${flag} needs a value, as in ${flag} <value> (or ${flag}=<value>).`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}": sim takes only flags. Run sensegrid sim --help.`;
    default:
      return `${message}. Run sensegrid sim --help.`;
  }
}
