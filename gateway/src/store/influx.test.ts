import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBinary } from '../../test/harness/binaries.ts';
import { startInfluxd, type Influxd } from '../../test/harness/influxd.ts';
import { freePort } from '../../test/harness/ports.ts';
import { describeReadingStore, makeReadings, T0 } from './contract.ts';
import { createInfluxStore, type InfluxStoreOptions } from './influx.ts';

async function influxQuery(url: string, db: string, q: string): Promise<unknown[][]> {
  const response = await fetch(`${url}/query?db=${db}&epoch=ms`, {
    method: 'POST',
    body: new URLSearchParams({ q }),
  });
  const json = (await response.json()) as { results: { series?: { values: unknown[][] }[] }[] };
  return json.results[0]?.series?.[0]?.values ?? [];
}

describeWithBinary('influxd', 'apt-get install -y influxdb', 'the influx store on influxd', () => {
  let influxd: Influxd;
  let databases = 0;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  async function freshStore(options: Partial<InfluxStoreOptions> = {}) {
    databases += 1;
    const store = createInfluxStore({
      url: influxd.url,
      database: `test_${databases}`,
      ...options,
    });
    await store.init();
    return store;
  }

  describeReadingStore('influx', async () => {
    databases += 1;
    return createInfluxStore({ url: influxd.url, database: `contract_${databases}` });
  });

  it('answers the count query of the contract with what one device stored', async () => {
    const store = await freshStore();
    await store.write([...makeReadings('air-0001', 25), ...makeReadings('air-0002', 10)]);
    const rows = await influxQuery(
      influxd.url,
      `test_${databases}`,
      `SELECT count("pm25") FROM "readings" WHERE "device" = 'air-0001'`,
    );
    expect(rows).toEqual([[0, 25]]);
  });

  it('writes device ids with colons, dots and dashes, and tags with spaces and commas', async () => {
    const store = await freshStore();
    const device = 'site:7.air-0001_b';
    const tags = { district: 'Old Town, North', grid: 'g 1=2', layer: 'air' };
    await store.write([{ device, ts: T0, seq: 3, values: { pm25: 9.5 }, tags }]);

    expect(await store.scan(device, T0, T0)).toEqual([
      { device, ts: T0, seq: 3, values: { pm25: 9.5 } },
    ]);
    const db = `test_${databases}`;
    const byTag = await influxQuery(
      influxd.url,
      db,
      `SELECT "pm25" FROM "readings" WHERE "district" = 'Old Town, North' AND "grid" = 'g 1=2'`,
    );
    expect(byTag).toEqual([[T0, 9.5]]);
  });

  it('stores seq as an integer field beside one float field per metric', async () => {
    const store = await freshStore();
    await store.write(makeReadings('air-0001', 1, { valuesAt: () => ({ pm25: 4, no2: 5 }) }));
    const rows = await influxQuery(influxd.url, `test_${databases}`, 'SHOW FIELD KEYS');
    expect(rows).toEqual([
      ['no2', 'float'],
      ['pm25', 'float'],
      ['seq', 'integer'],
    ]);
  });

  it('splits a large write into requests of at most 5,000 lines', async () => {
    const store = await freshStore();
    await store.write(makeReadings('bulk', 12_000, { stepMs: 5 }));
    expect(store.stats()).toMatchObject({ writeBatches: 3, linesWritten: 12_000 });

    const small = await freshStore({ maxLinesPerRequest: 1_000 });
    await small.write(makeReadings('bulk', 12_000, { stepMs: 5 }));
    expect(small.stats()).toMatchObject({ writeBatches: 12, linesWritten: 12_000 });
  });

  it('rejects points InfluxDB refuses with SENSEGRID_STORE_REJECTED and its message', async () => {
    const store = await freshStore();
    const db = `test_${databases}`;
    const seeded = await fetch(`${influxd.url}/write?db=${db}&precision=ms`, {
      method: 'POST',
      body: `readings,device=air-0001 pm25="not a number" ${T0}`,
    });
    expect(seeded.status).toBe(204);

    const failure = store.write(makeReadings('air-0001', 1, { start: T0 + 1 }));
    await expect(failure).rejects.toMatchObject({
      code: 'SENSEGRID_STORE_REJECTED',
      message: expect.stringContaining('field type conflict'),
    });
    expect(store.stats().retries).toBe(0);
  });

  it('names the URL and what to do when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const store = createInfluxStore({ url, database: 'nowhere', retryBaseMs: 10 });
    const failure = store.write(makeReadings('air-0001', 1));
    await expect(failure).rejects.toMatchObject({ code: 'SENSEGRID_STORE_UNREACHABLE' });
    const message = ((await failure.catch((error: Error) => error)) as Error).message;
    expect(message).toContain(url);
    expect(message).toContain('ECONNREFUSED');
    expect(message).toMatch(/Start InfluxDB.*--store sqlite:/);
    expect(store.stats().requests).toBe(5);

    const health = await store.health();
    expect(health).toMatchObject({ ok: false, target: `influx ${url}/nowhere` });
  });

  it('gives up after its tries when InfluxDB stops answering, saying how long it waited', async () => {
    const store = await freshStore({ timeoutMs: 300, maxAttempts: 2, retryBaseMs: 10 });
    influxd.pause();
    try {
      await expect(store.write(makeReadings('air-0001', 1))).rejects.toMatchObject({
        code: 'SENSEGRID_STORE_UNREACHABLE',
        message: expect.stringContaining('did not answer in 300 ms'),
      });
    } finally {
      influxd.resume();
    }
  });

  it('completes a write that started while InfluxDB was down once it is back', async () => {
    const store = await freshStore({ retryBaseMs: 200, maxAttempts: 6 });
    await influxd.kill();
    const pending = store.write(makeReadings('air-0001', 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await influxd.restart();
    await pending;
    expect(await store.scan('air-0001', T0, T0 + 10_000)).toHaveLength(10);
    expect(store.stats().retries).toBeGreaterThan(0);
  });
});
