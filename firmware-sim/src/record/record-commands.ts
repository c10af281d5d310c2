import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatProgressBar } from './progress-bar.ts';
import { startRecorder } from './recorder.ts';
import { replayRecording } from './replayer.ts';

export interface RecordIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  signal?: AbortSignal;
}

export const RECORD_USAGE = `sensegrid record --url mqtt://127.0.0.1:1883 [--topic 'devices/#'] --out rec.ndjson.gz
  [--rotate-mb N] [--rotate-minutes N] [--username U --password P]

Writes every message that arrives (receive time, topic, QoS, retain, payload) to gzipped NDJSON
until Ctrl-C. With rotation, files are named rec-0001.ndjson.gz, rec-0002.ndjson.gz, ...`;

export const REPLAY_USAGE = `sensegrid replay <rec.ndjson.gz> --url mqtt://127.0.0.1:1883 [--speed 1|10|max] [--loop]
  [--shift-to now] [--username U --password P | --secrets secrets.csv]

Publishes a recording with its original pacing scaled by --speed (max: as fast as the broker
acknowledges). --shift-to now rewrites reading times so the recording starts now. --secrets
(id,secret CSV from sensegrid provision) logs each device in as itself.`;

function usageError(io: RecordIo, message: string, usage: string): number {
  io.stderr.write(`SENSEGRID_CLI_USAGE: ${message}\n\n${usage}\n`);
  return 2;
}

export async function runRecordCommand(argv: string[], io: RecordIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        topic: { type: 'string', default: 'devices/#' },
        out: { type: 'string' },
        'rotate-mb': { type: 'string' },
        'rotate-minutes': { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageError(io, (error as Error).message, RECORD_USAGE);
  }
  if (values.help) {
    io.stdout.write(`${RECORD_USAGE}\n`);
    return 0;
  }
  if (!values.url || !values.out)
    return usageError(io, '--url and --out are required.', RECORD_USAGE);
  const positive = (name: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!(n > 0)) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  let rotateMb: number | undefined;
  let rotateMinutes: number | undefined;
  try {
    rotateMb = positive('rotate-mb', values['rotate-mb']);
    rotateMinutes = positive('rotate-minutes', values['rotate-minutes']);
  } catch (error) {
    return usageError(io, (error as Error).message, RECORD_USAGE);
  }
  const recorder = await startRecorder({
    url: values.url,
    topic: values.topic,
    out: values.out,
    rotateBytes: rotateMb === undefined ? undefined : rotateMb * 1024 * 1024,
    rotateMs: rotateMinutes === undefined ? undefined : rotateMinutes * 60_000,
    username: values.username,
    password: values.password,
  });
  const started = Date.now();
  const tick = setInterval(
    () => {
      const { messages, files } = recorder.stats();
      const rate = Math.round((messages * 1000) / Math.max(1, Date.now() - started));
      const line = `recording ${values.topic}: ${messages.toLocaleString('en')} messages, ${rate}/s, file ${files.at(-1)}`;
      io.stderr.write(io.stderr.isTTY ? `\r${line}` : `${line}\n`);
    },
    io.stderr.isTTY ? 500 : 5000,
  );
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) return resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(tick);
  const stats = await recorder.stop();
  io.stderr.write(
    `${io.stderr.isTTY ? '\n' : ''}recorded ${stats.messages} messages into ${stats.files.join(', ')}\n`,
  );
  return 0;
}

export async function runReplayCommand(argv: string[], io: RecordIo): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        speed: { type: 'string', default: '1' },
        loop: { type: 'boolean' },
        'shift-to': { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        secrets: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageError(io, (error as Error).message, REPLAY_USAGE);
  }
  if (values.help) {
    io.stdout.write(`${REPLAY_USAGE}\n`);
    return 0;
  }
  const file = positionals[0];
  if (!file || !values.url) return usageError(io, 'name a recording and --url.', REPLAY_USAGE);
  const speed = values.speed === 'max' ? 'max' : Number(values.speed);
  if (speed !== 'max' && !(speed > 0))
    return usageError(io, '--speed is a positive number or max.', REPLAY_USAGE);
  if (values['shift-to'] !== undefined && values['shift-to'] !== 'now') {
    return usageError(io, '--shift-to takes only "now".', REPLAY_USAGE);
  }
  const secrets = values.secrets ? readSecrets(values.secrets) : undefined;
  const summary = await replayRecording({
    file,
    url: values.url,
    speed,
    loop: values.loop,
    shiftToNow: values['shift-to'] === 'now',
    username: values.username,
    password: values.password,
    secrets,
    signal: io.signal,
    onProgress: (p) => {
      const line = formatProgressBar(p.fraction, p.messages, p.elapsedMs, 'msg');
      if (io.stderr.isTTY) io.stderr.write(`\r${line}${values.loop ? `  pass ${p.pass}` : ''}`);
    },
  });
  const late = summary.latenessMs
    ? `, pacing late by p50 ${summary.latenessMs.p50.toFixed(1)} ms, p99 ${summary.latenessMs.p99.toFixed(1)} ms`
    : '';
  io.stderr.write(
    `${io.stderr.isTTY ? '\n' : ''}replayed ${summary.messages.toLocaleString('en')} messages in ${(summary.elapsedMs / 1000).toFixed(1)} s (${Math.round(summary.perSecond).toLocaleString('en')}/s)${late}\n`,
  );
  return 0;
}

function readSecrets(path: string): Map<string, string> {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
  return new Map(lines.map((line) => line.split(',', 2) as [string, string]));
}
