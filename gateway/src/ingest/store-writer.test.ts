import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { PlacedReading } from '@sensegrid/twin';
import { describeWithBinary } from '../../test/harness/binaries.ts';
import { startInfluxd, type Influxd } from '../../test/harness/influxd.ts';
import { createMetrics } from '../metrics.ts';
import { createInfluxStore } from '../store/influx.ts';
import { StoreWriter } from './store-writer.ts';
import { WriteAheadLog } from './wal.ts';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const reading = (seq: number, values: Record<string, number> = { pm25: seq }): PlacedReading => ({
  device: 'air-0001',
  ts: T0 + seq * 1000,
  seq,
  values,
  tags: {},
});

async function countSeqs(influxd: Influxd, database: string): Promise<number> {
  const query = encodeURIComponent(`SELECT count("seq") FROM "readings"`);
  const body = (await (await fetch(`${influxd.url}/query?db=${database}&q=${query}`)).json()) as {
    results: { series?: { values: [string, number][] }[] }[];
  };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

describeWithBinary(
  'influxd',
  'apt-get install -y influxdb',
  'the store writer with InfluxDB',
  () => {
    let influxd: Influxd;
    let dir: string;
    let wal: WriteAheadLog;
    let writer: StoreWriter | undefined;

    beforeAll(async () => {
      influxd = await startInfluxd();
    });
    afterAll(async () => {
      await influxd?.stop();
    });
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sensegrid-writer-'));
      wal = await WriteAheadLog.open({
        dir,
        maxBytes: 1 << 24,
        segmentBytes: 1 << 20,
        memoryBytes: 1 << 20,
      });
    });
    afterEach(async () => {
      await writer?.stop(0);
      await wal.close();
      await rm(dir, { recursive: true, force: true });
    });

    function startWriter(database: string, batchReadings = 100) {
      const store = createInfluxStore({ url: influxd.url, database, maxAttempts: 1 });
      writer = new StoreWriter(wal, store, {
        batchReadings,
        metrics: createMetrics(),
        log: pino({ level: 'silent' }),
        minBackoffMs: 20,
        maxBackoffMs: 200,
        rejectedFile: join(dir, 'rejected.ndjson'),
      });
      return store;
    }

    it('sets a reading InfluxDB refuses aside and stores the rest of its batch', async () => {
      const store = startWriter('refused');
      await store.init();
      // `weird` becomes an integer field; a float for it later is a field type conflict (400).
      await fetch(`${influxd.url}/write?db=refused&precision=ms`, {
        method: 'POST',
        body: `readings,device=other weird=1i ${T0}`,
      });
      const readings = Array.from({ length: 50 }, (_, i) =>
        i === 17 ? reading(i + 1, { weird: 1.5 }) : reading(i + 1),
      );
      await wal.append(readings);
      writer!.start();
      await expect.poll(() => wal.stats().pendingReadings, { timeout: 10_000 }).toBe(0);
      expect(await countSeqs(influxd, 'refused')).toBe(49);
      const setAside = (await readFile(join(dir, 'rejected.ndjson'), 'utf8')).trim().split('\n');
      expect(setAside).toHaveLength(1);
      expect(JSON.parse(setAside[0]!).reading.seq).toBe(18);
    });

    it('keeps retrying while InfluxDB is down and stores everything once it is back', async () => {
      const store = startWriter('outage');
      await store.init();
      await influxd.kill();
      writer!.start();
      await wal.append(Array.from({ length: 300 }, (_, i) => reading(i + 1)));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(writer!.state.failing).toBe(true);
      expect(wal.stats().pendingReadings).toBe(300);
      await influxd.restart();
      await expect.poll(() => wal.stats().pendingReadings, { timeout: 15_000 }).toBe(0);
      expect(writer!.state.failing).toBe(false);
      expect(await countSeqs(influxd, 'outage')).toBe(300);
    });
  },
);
