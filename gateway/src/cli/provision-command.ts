import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SensegridError } from '../errors.ts';
import { CredentialStore } from '../guard/credentials.ts';
import { parseDeviceList } from './device-list.ts';

export const PROVISION_USAGE = `sensegrid provision <devices.csv|devices.geojson> [--out secrets.csv]
sensegrid provision --rotate <id>[,<id>...] [--out secrets.csv]
sensegrid provision --revoke <id>[,<id>...]
sensegrid provision --list

Creates device credentials in <data-dir>/credentials.json (scrypt hashes). New and rotated
secrets are shown once: written to --out (created with mode 600, never overwritten) or printed.
A running gateway picks changes up within seconds; a revoked device is disconnected.

  --data-dir <dir>   the gateway's data folder (SENSEGRID_DATA_DIR, default ./data)`;

export async function runProvisionCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const { values, positionals } = parseProvisionArgs(argv);
  if (values.help) {
    io.stdout.write(`${PROVISION_USAGE}\n`);
    return 0;
  }
  const dataDir = resolve(values['data-dir'] ?? env.SENSEGRID_DATA_DIR ?? './data');
  const store = new CredentialStore(join(dataDir, 'credentials.json'));

  if (values.list) {
    io.stdout.write('id,kind,created,rotated,revoked\n');
    for (const id of store.ids()) {
      const d = store.get(id)!;
      const at = (ms?: number) => (ms ? new Date(ms).toISOString() : '');
      io.stdout.write(
        `${d.id},${d.kind ?? ''},${at(d.createdAt)},${at(d.rotatedAt)},${at(d.revokedAt)}\n`,
      );
    }
    return 0;
  }
  if (values.revoke) {
    for (const id of splitIds(values.revoke)) await store.revoke(id);
    io.stderr.write(`revoked ${splitIds(values.revoke).length} device(s)\n`);
    return 0;
  }

  let secrets: Map<string, string>;
  if (values.rotate) {
    secrets = new Map();
    for (const id of splitIds(values.rotate)) secrets.set(id, await store.rotate(id));
  } else {
    const file = positionals[0];
    if (!file) {
      throw new SensegridError(
        'SENSEGRID_CLI_USAGE',
        'name a CSV or GeoJSON file of devices.',
        `\n${PROVISION_USAGE}`,
      );
    }
    if (values.out && existsSync(values.out)) {
      throw new SensegridError(
        'SENSEGRID_CLI_USAGE',
        `${values.out} exists; secrets are never written over.`,
        'Choose another --out file.',
      );
    }
    const entries = parseDeviceList(await readFile(file, 'utf8'), file);
    secrets = await store.provision(entries, Date.now(), (done) => {
      io.stderr.write(`\rhashing secrets ${done}/${entries.length}`);
    });
    io.stderr.write('\n');
  }
  const csv = `id,secret\n${[...secrets].map(([id, secret]) => `${id},${secret}`).join('\n')}\n`;
  if (values.out) {
    await writeFile(values.out, csv, { mode: 0o600, flag: 'wx' });
    io.stderr.write(
      `${secrets.size} secret(s) written to ${values.out}; keep it safe, they are not stored\n`,
    );
  } else {
    io.stdout.write(csv);
  }
  return 0;
}

function parseProvisionArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        rotate: { type: 'string' },
        revoke: { type: 'string' },
        list: { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new SensegridError(
      'SENSEGRID_CLI_USAGE',
      `${(error as Error).message.split('\n')[0]}.`,
      `\n${PROVISION_USAGE}`,
    );
  }
}

function splitIds(list: string): string[] {
  return list
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
}
