import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialStore } from '../guard/credentials.ts';
import { parseDeviceList } from './device-list.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/sensegrid.mjs', import.meta.url));
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-provision-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sensegrid provision', () => {
  it('creates devices from a CSV and writes their secrets once to a private file', async () => {
    const list = join(dir, 'devices.csv');
    await writeFile(list, 'id,kind,lat,lon\nair-0001,air,30.25,120.16\nwater-0001,water,,\n');
    const out = join(dir, 'secrets.csv');
    const args = [BIN, 'provision', list, '--out', out, '--data-dir', join(dir, 'data')];
    await run(process.execPath, args);
    const secrets = (await readFile(out, 'utf8')).trim().split('\n');
    expect(secrets[0]).toBe('id,secret');
    expect(secrets.slice(1).map((line) => line.split(',')[0])).toEqual(['air-0001', 'water-0001']);
    expect((await stat(out)).mode & 0o777).toBe(0o600);

    const store = new CredentialStore(join(dir, 'data', 'credentials.json'));
    const [, secret] = secrets[1]!.split(',');
    expect(await store.verify('air-0001', secret!)).toBe(true);
    expect(store.get('air-0001')).toMatchObject({ kind: 'air', lat: 30.25, lon: 120.16 });

    const again = run(process.execPath, args);
    await expect(again).rejects.toMatchObject({ code: 2 });
  });

  it('rotates and revokes by id and lists the devices', async () => {
    const data = join(dir, 'data');
    const store = new CredentialStore(join(data, 'credentials.json'));
    const old = (await store.provision([{ id: 'a' }, { id: 'b' }])).get('a')!;
    const rotated = await run(process.execPath, [
      BIN,
      'provision',
      '--rotate',
      'a',
      '--data-dir',
      data,
    ]);
    const fresh = rotated.stdout.trim().split('\n')[1]!.split(',')[1]!;
    await run(process.execPath, [BIN, 'provision', '--revoke', 'b', '--data-dir', data]);
    const reread = new CredentialStore(join(data, 'credentials.json'));
    expect(await reread.verify('a', old)).toBe(false);
    expect(await reread.verify('a', fresh)).toBe(true);
    expect(reread.revoked()).toEqual(['b']);
    const listed = await run(process.execPath, [BIN, 'provision', '--list', '--data-dir', data]);
    expect(listed.stdout).toMatch(/^id,kind,created,rotated,revoked\na,,\S+,\S+,\nb,,\S+,,\S+\n$/);
  });
});

describe('parseDeviceList', () => {
  it('reads point features of a GeoJSON FeatureCollection', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [120.1, 30.2] },
          properties: { id: 'fire-0001', kind: 'fire' },
        },
      ],
    });
    expect(parseDeviceList(text, 'devices.geojson')).toEqual([
      { id: 'fire-0001', kind: 'fire', lat: 30.2, lon: 120.1 },
    ]);
  });

  it('says what is wrong with a list it cannot read', () => {
    expect(() => parseDeviceList('name,kind\nx,air\n', 'd.csv')).toThrow(/no id column/);
    expect(() => parseDeviceList('id,lat,lon\nx,north,1\n', 'd.csv')).toThrow(
      /line 2: lat and lon/,
    );
    expect(() => parseDeviceList('{"type":"Feature"}', 'd.geojson')).toThrow(/FeatureCollection/);
  });
});
