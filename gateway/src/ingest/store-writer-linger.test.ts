import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlacedReading } from '@sensegrid/twin';
import { createMetrics } from '../metrics.ts';
import { createSqliteStore, type SqliteReadingStore } from '../store/sqlite.ts';
import { StoreWriter } from './store-writer.ts';
import { WriteAheadLog } from './wal.ts';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const reading = (seq: number): PlacedReading => ({
  device: 'air-0001',
  ts: T0 + seq * 1000,
  seq,
  values: { pm25: seq },
  tags: {},
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the store writer lingering for fuller batches', () => {
  let dir: string;
  let wal: WriteAheadLog;
  let store: SqliteReadingStore;
  let writer: StoreWriter | undefined;
  let writes: number[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sensegrid-linger-'));
    wal = await WriteAheadLog.open({
      dir,
      maxBytes: 1 << 24,
      segmentBytes: 1 << 20,
      memoryBytes: 1 << 20,
    });
    store = createSqliteStore(join(dir, 'store.db'));
    await store.init();
    // The real store, its batch sizes noted on the way through.
    writes = [];
    const write = store.write.bind(store);
    store.write = (readings) => {
      writes.push(readings.length);
      return write(readings);
    };
  });
  afterEach(async () => {
    await writer?.stop(0);
    await wal.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  function startWriter(lingerMs: number, batchReadings = 1000) {
    writer = new StoreWriter(wal, store, {
      batchReadings,
      lingerMs,
      metrics: createMetrics(),
      log: pino({ level: 'silent' }),
    });
    writer.start();
    return writer;
  }

  /** 40 appends of 5 readings, 25 ms apart (about a second). */
  async function trickle(): Promise<void> {
    for (let i = 0; i < 40; i++) {
      await wal.append(Array.from({ length: 5 }, (_, j) => reading(i * 5 + j + 1)));
      await sleep(25);
    }
  }

  async function storedSeqs(): Promise<number[]> {
    await expect.poll(() => wal.stats().pendingReadings).toBe(0);
    return (await store.scan('air-0001', T0, T0 + 1e6)).map((stored) => stored.seq!);
  }

  it('writes a trickle in a few large writes, in order, losing nothing', async () => {
    startWriter(300);
    await trickle();
    expect(await storedSeqs()).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // About a second of appends: a write at the start, then one every 300 ms at most.
    expect(writes.length).toBeLessThanOrEqual(6);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it('writes each append as it comes without a linger', async () => {
    startWriter(0);
    await trickle();
    expect(await storedSeqs()).toHaveLength(200);
    expect(writes.length).toBeGreaterThanOrEqual(20);
  });

  it('does not wait once a whole batch is there', async () => {
    startWriter(60_000, 50);
    await wal.append(Array.from({ length: 10 }, (_, i) => reading(i + 1)));
    await expect.poll(() => writes.length).toBe(1); // the first write never waits
    await wal.append(Array.from({ length: 60 }, (_, i) => reading(i + 11)));
    expect(await storedSeqs()).toHaveLength(70);
  });

  it('writes what waits at once when stopped during a linger', async () => {
    startWriter(60_000);
    await wal.append([reading(1)]);
    await expect.poll(() => writes.length).toBe(1);
    await wal.append([reading(2), reading(3)]);
    const started = performance.now();
    const { drained } = await writer!.stop(5_000);
    expect(drained).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await store.scan('air-0001', T0, T0 + 1e6)).map((stored) => stored.seq)).toEqual([
      1, 2, 3,
    ]);
  });
});
