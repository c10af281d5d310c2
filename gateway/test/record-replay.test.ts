import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { replayRecording } from '@sensegrid/firmware-sim';
import { connectClient, publish, startGateway } from './gateway-harness.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/sensegrid.mjs', import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('export and replay', () => {
  it('exports stored readings and replays them into a fresh gateway that stores the same points', async () => {
    const work = await mkdtemp(join(tmpdir(), 'sensegrid-export-'));
    dirs.push(work);
    const source = await startGateway({ dataDir: join(work, 'source') });
    const t0 = Date.parse('2026-11-28T00:00:00Z');
    const client = await connectClient(source.mqttUrl);
    for (const device of ['air-0100', 'water-0100']) {
      const readings = Array.from({ length: 50 }, (_, i) => ({
        ts: t0 + i * 1000 + (device === 'air-0100' ? 0 : 500),
        seq: i + 1,
        values: { v: i * 1.5 },
      }));
      await publish(client, `devices/${device}/readings`, JSON.stringify(readings));
    }
    await client.endAsync();
    await source.gateway.close();
    const original = async (device: string) =>
      source.gateway.store.scan(device, 0, t0 + 86_400_000);

    const out = join(work, 'export.ndjson.gz');
    await run(process.execPath, [
      BIN,
      'export',
      '--from',
      new Date(t0).toISOString(),
      '--to',
      String(t0 + 3_600_000),
      '--out',
      out,
      '--data-dir',
      join(work, 'source'),
    ]);

    const target = await startGateway({ dataDir: join(work, 'target') });
    const summary = await replayRecording({ file: out, url: target.mqttUrl, speed: 'max' });
    expect(summary.messages).toBe(100);
    await target.gateway.close();
    await source.gateway.store.init();
    await target.gateway.store.init();
    for (const device of ['air-0100', 'water-0100']) {
      expect(await target.gateway.store.scan(device, 0, t0 + 86_400_000)).toEqual(
        await original(device),
      );
    }
    await source.gateway.store.close();
    await target.gateway.store.close();
  });
});
