import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingWriter } from '@sensegrid/firmware-sim';
import { parseTime } from '../api/query.ts';
import { parseConfig } from '../config.ts';
import { SensegridError } from '../errors.ts';
import { createStore } from '../store/create-store.ts';
import { readSettings } from './options.ts';

export const EXPORT_USAGE = `sensegrid export --from <time> --to <time> --out rec.ndjson.gz [--device id[,id...]]
  [--store ... --data-dir ...]

Writes the stored readings of a time range (epoch ms or ISO 8601) as a recording that
\`sensegrid replay\` publishes back: one message per reading on devices/<id>/readings, in time
order. Without --device, every device the gateway has registered is exported.`;

export async function runExportCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const extra = {
    from: { type: 'string' as const },
    to: { type: 'string' as const },
    out: { type: 'string' as const },
    device: { type: 'string' as const },
  };
  const { input, extra: values } = readSettings(argv, env, extra);
  if (values.help) {
    io.stdout.write(`${EXPORT_USAGE}\n`);
    return 0;
  }
  const from = parseTime(values.from as string | undefined, 'from');
  const to = parseTime(values.to as string | undefined, 'to');
  const out = values.out as string | undefined;
  if (from === undefined || to === undefined || !out) {
    throw new SensegridError(
      'SENSEGRID_CLI_USAGE',
      '--from, --to and --out are required.',
      `\n${EXPORT_USAGE}`,
    );
  }
  const config = parseConfig(input);
  const devices = values.device
    ? String(values.device)
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean)
    : await registeredDevices(config.dataDir);
  const store = createStore(config.store, { token: config.influxToken });
  await store.init();
  const messages: { t: number; topic: string; payload: Buffer }[] = [];
  for (const [i, device] of devices.entries()) {
    for (const reading of await store.scan(device, from, to)) {
      const body = {
        ts: reading.ts,
        ...(reading.seq === undefined ? {} : { seq: reading.seq }),
        values: reading.values,
      };
      messages.push({
        t: reading.ts,
        topic: `devices/${device}/readings`,
        payload: Buffer.from(JSON.stringify(body)),
      });
    }
    io.stderr.write(`\rexporting device ${i + 1}/${devices.length}: ${messages.length} readings`);
  }
  await store.close();
  messages.sort((a, b) => a.t - b.t);
  const writer = new RecordingWriter(out, {
    createdAt: Date.now(),
    source: config.store.replace(/\/\/[^@/]*@/, '//***@'),
  });
  for (const message of messages) {
    if (!writer.write({ ...message, qos: 1, retain: false })) await writer.drain();
  }
  await writer.close();
  io.stderr.write(
    `\nexported ${messages.length} readings of ${devices.length} devices to ${out}\n`,
  );
  return 0;
}

async function registeredDevices(dataDir: string): Promise<string[]> {
  try {
    const list = JSON.parse(await readFile(join(dataDir, 'devices.json'), 'utf8')) as {
      id: string;
    }[];
    return list.map((device) => device.id);
  } catch {
    throw new SensegridError(
      'SENSEGRID_CLI_USAGE',
      `no registered devices in ${dataDir}.`,
      'Name the devices with --device, or point --data-dir at the gateway’s data folder.',
    );
  }
}
