import { afterEach, describe, expect, it } from 'vitest';
import {
  startHttpRecorder,
  type HttpRecorder,
  type RecordedReply,
  type RecordedRequest,
} from '../../test/harness/http-recorder.ts';
import { makeReadings, T0 } from './contract.ts';
import { createInfluxStore, type InfluxStoreOptions } from './influx.ts';

// These tests check what the adapter sends and how it reacts to answers InfluxDB gives under
// load or misconfiguration; the adapter's behaviour against a real InfluxDB is in influx.test.ts.
describe('the influx store on the wire', () => {
  let recorder: HttpRecorder | undefined;
  afterEach(async () => {
    await recorder?.close();
    recorder = undefined;
  });

  async function storeAnswering(
    reply: (request: RecordedRequest, index: number) => RecordedReply | Promise<RecordedReply>,
    options: Partial<InfluxStoreOptions> = {},
  ) {
    recorder = await startHttpRecorder(reply);
    const store = createInfluxStore({
      url: recorder.url,
      database: 'city',
      retryBaseMs: 5,
      ...options,
    });
    return { store, requests: recorder.requests };
  }

  it('sends gzip line protocol with millisecond precision to /write', async () => {
    const { store, requests } = await storeAnswering(() => ({ status: 204 }));
    await store.write([
      { device: 'air-1', ts: T0, seq: 42, values: { pm25: 12.5 }, tags: { district: 'Old Town' } },
      { device: 'air-2', ts: T0 + 1, values: { pm25: 3, no2: 0.25 }, tags: {} },
    ]);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/write');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({ db: 'city', precision: 'ms' });
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.body).toBe(
      `readings,device=air-1,district=Old\\ Town pm25=12.5,seq=42i ${T0}\n` +
        `readings,device=air-2 pm25=3,no2=0.25 ${T0 + 1}`,
    );
  });

  it('sends the token as an Authorization: Token header', async () => {
    const { store, requests } = await storeAnswering(() => ({ status: 204 }), {
      token: 's3cr3t',
      username: 'ignored',
      password: 'ignored',
    });
    await store.write(makeReadings('air-1', 1));
    expect(requests[0]?.headers.authorization).toBe('Token s3cr3t');
  });

  it('sends username and password as basic auth', async () => {
    const { store, requests } = await storeAnswering(() => ({ status: 204 }), {
      username: 'gateway',
      password: 'p:ss',
    });
    await store.write(makeReadings('air-1', 1));
    const expected = `Basic ${Buffer.from('gateway:p:ss').toString('base64')}`;
    expect(requests[0]?.headers.authorization).toBe(expected);
  });

  it('creates the database in init with a form-encoded query', async () => {
    const { store, requests } = await storeAnswering(() => ({
      status: 200,
      body: '{"results":[{"statement_id":0}]}',
    }));
    await store.init();
    expect(requests[0]?.path).toBe('/query');
    expect(new URLSearchParams(requests[0]?.body).get('q')).toBe('CREATE DATABASE "city"');
  });

  it('retries a write answered with 500 engine: error syncing wal', async () => {
    const { store, requests } = await storeAnswering((_, index) =>
      index < 2 ? { status: 500, body: '{"error":"engine: error syncing wal"}' } : { status: 204 },
    );
    await store.write(makeReadings('air-1', 3));
    expect(requests).toHaveLength(3);
    expect(requests[2]?.body).toBe(requests[0]?.body);
    expect(store.stats()).toMatchObject({ retries: 2, writeBatches: 1, linesWritten: 3 });
  });

  it('waits as long as Retry-After asks before retrying a 503 or 429', async () => {
    const { store, requests } = await storeAnswering((_, index) => {
      if (index === 0) return { status: 503, headers: { 'Retry-After': '1' } };
      if (index === 1) return { status: 429, headers: { 'Retry-After': '0' } };
      return { status: 204 };
    });
    const started = Date.now();
    await store.write(makeReadings('air-1', 1));
    expect(requests).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up after five tries with SENSEGRID_STORE_UNREACHABLE and the last answer', async () => {
    const { store, requests } = await storeAnswering(() => ({
      status: 500,
      body: '{"error":"engine: error syncing wal"}',
    }));
    await expect(store.write(makeReadings('air-1', 1))).rejects.toMatchObject({
      code: 'SENSEGRID_STORE_UNREACHABLE',
      message: expect.stringContaining('HTTP 500: engine: error syncing wal'),
    });
    expect(requests).toHaveLength(5);
  });

  it('does not retry a refused login and says which setting to check', async () => {
    const { store, requests } = await storeAnswering(() => ({
      status: 401,
      body: '{"error":"authorization failed"}',
    }));
    await expect(store.write(makeReadings('air-1', 1))).rejects.toMatchObject({
      code: 'SENSEGRID_STORE_UNAUTHORIZED',
      message: expect.stringContaining('SENSEGRID_INFLUX_TOKEN'),
    });
    expect(requests).toHaveLength(1);
  });

  it('keeps one write request in flight at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const { store, requests } = await storeAnswering(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight -= 1;
      return { status: 204 };
    });
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.write(makeReadings(`air-${i}`, 10))),
    );
    expect(requests).toHaveLength(5);
    expect(most).toBe(1);
  });

  it('keeps writing after one write of many failed', async () => {
    const { store } = await storeAnswering((request) =>
      request.body.includes('device=bad')
        ? { status: 400, body: '{"error":"bad"}' }
        : { status: 204 },
    );
    const bad = store.write(makeReadings('bad', 1));
    const good = store.write(makeReadings('good', 1));
    await expect(bad).rejects.toMatchObject({ code: 'SENSEGRID_STORE_REJECTED' });
    await expect(good).resolves.toBeUndefined();
  });

  it('reads chunked query replies as one series', async () => {
    const chunk = (values: number[][], partial: boolean) =>
      JSON.stringify({
        results: [
          {
            statement_id: 0,
            series: [{ name: 'readings', columns: ['time', 'pm25'], values, partial }],
            partial,
          },
        ],
      });
    const { store } = await storeAnswering(() => ({
      status: 200,
      body: `${chunk([[T0, 1]], true)}\n${chunk([[T0 + 1, 2]], false)}\n`,
    }));
    const series = await store.querySeries({
      device: 'air-1',
      metric: 'pm25',
      from: T0,
      to: T0 + 1,
      points: 10,
    });
    expect(series).toEqual([
      [T0, 1],
      [T0 + 1, 2],
    ]);
  });
});
