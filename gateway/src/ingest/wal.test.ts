import { mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlacedReading } from '@sensegrid/twin';
import { WriteAheadLog, type WalOptions } from './wal.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-wal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(overrides: Partial<WalOptions> = {}): WalOptions {
  return { dir, maxBytes: 1 << 30, segmentBytes: 1 << 20, memoryBytes: 1 << 24, ...overrides };
}

function reading(seq: number, device = 'air-0001'): PlacedReading {
  return { device, ts: 1_764_400_000_000 + seq, seq, values: { pm25: seq / 10 }, tags: {} };
}

async function drain(wal: WriteAheadLog, max = 1000): Promise<number[]> {
  const seqs: number[] = [];
  for (let batch = await wal.take(max); batch; batch = await wal.take(max)) {
    seqs.push(...batch.readings.map((r) => r.seq!));
    await wal.commit(batch);
  }
  return seqs;
}

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

describe('WriteAheadLog', () => {
  it('gives back every appended reading in order, once', async () => {
    const wal = await WriteAheadLog.open(options());
    await Promise.all(range(500).map((seq) => wal.append([reading(seq)])));
    expect(wal.stats().pendingReadings).toBe(500);
    expect(await drain(wal, 64)).toEqual(range(500));
    expect(wal.stats().pendingReadings).toBe(0);
    await wal.close();
  });

  it('replays after a restart everything the store had not confirmed', async () => {
    const first = await WriteAheadLog.open(options());
    await Promise.all(range(100).map((seq) => first.append([reading(seq)])));
    const batch = (await first.take(40))!;
    await first.commit(batch);
    await first.close();

    const second = await WriteAheadLog.open(options());
    expect(second.stats().pendingReadings).toBe(60);
    expect(await drain(second)).toEqual(range(60, 41));
    await second.close();
  });

  it('cuts a torn last record at recovery and keeps the records before it', async () => {
    const wal = await WriteAheadLog.open(options());
    await Promise.all(range(10).map((seq) => wal.append([reading(seq)])));
    await wal.close();
    const [segment] = (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
    const path = join(dir, segment!);
    await truncate(path, (await stat(path)).size - 7);

    const reopened = await WriteAheadLog.open(options());
    expect(await drain(reopened)).toEqual(range(9));
    await reopened.close();
  });

  it('reads back from disk what did not fit in memory, in order', async () => {
    const wal = await WriteAheadLog.open(options({ memoryBytes: 2000, segmentBytes: 4096 }));
    await Promise.all(range(300).map((seq) => wal.append([reading(seq)])));
    expect(await drain(wal, 50)).toEqual(range(300));
    await Promise.all(range(20, 301).map((seq) => wal.append([reading(seq)])));
    expect(await drain(wal, 50)).toEqual(range(20, 301));
    await wal.close();
  });

  it('deletes segments once the store has confirmed them', async () => {
    const wal = await WriteAheadLog.open(options({ segmentBytes: 2048 }));
    for (let wave = 0; wave < 10; wave++) {
      await Promise.all(range(20, wave * 20 + 1).map((seq) => wal.append([reading(seq)])));
    }
    expect(wal.stats().segments).toBeGreaterThan(3);
    await drain(wal);
    expect(wal.stats().segments).toBeLessThanOrEqual(2);
    const files = (await readdir(dir)).filter((name) => name.endsWith('.log'));
    expect(files.length).toBe(wal.stats().segments);
    await wal.close();
  });

  it('holds appends back while full and admits them as the store drains', async () => {
    const changes: boolean[] = [];
    const wal = await WriteAheadLog.open(
      options({ maxBytes: 4096, segmentBytes: 1024, onFullChange: (full) => changes.push(full) }),
    );
    let done = 0;
    const appends = range(100).map((seq) => wal.append([reading(seq)]).then(() => done++));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBeLessThan(100);
    expect(wal.full).toBe(true);
    expect(wal.stats().bytes).toBeLessThan(4096 + 1024);

    const seqs: number[] = [];
    while (seqs.length < 100) {
      await wal.waitForData();
      const batch = await wal.take(10);
      if (!batch) continue;
      seqs.push(...batch.readings.map((r) => r.seq!));
      await wal.commit(batch);
    }
    await Promise.all(appends);
    expect(seqs).toEqual(range(100));
    expect(changes[0]).toBe(true);
    expect(changes.at(-1)).toBe(false);
    await wal.close();
  });

  it('reopens a log that was closed with nothing in it', async () => {
    for (let run = 0; run < 3; run++) {
      const wal = await WriteAheadLog.open(options());
      await wal.append([reading(run + 1)]);
      expect(await drain(wal)).toEqual([run + 1]);
      await wal.close();
    }
    expect((await readdir(dir)).filter((name) => name.endsWith('.log')).length).toBe(1);
  });

  it('shares one fsync among appends made together', async () => {
    const wal = await WriteAheadLog.open(options());
    await Promise.all(range(1000).map((seq) => wal.append([reading(seq)])));
    expect(wal.stats().lastLsn).toBe(1000);
    expect(wal.stats().syncs).toBeLessThan(10);
    await wal.close();
  });
});
