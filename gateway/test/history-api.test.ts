import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegionStep, TwinAt } from '../src/history/time-travel.ts';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

const MINUTE = 60_000;

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('time travel over HTTP', () => {
  let running: RunningGateway;
  let device: MqttClient;
  /** A minute three hours ago: the past the tests travel to. */
  const past = Math.floor((Date.now() - 3 * 3600_000) / MINUTE) * MINUTE;
  /** Inside the minute after `past`: the window of the state at `t` is the minute `past`. */
  const t = past + MINUTE + 15_000;

  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${running.httpUrl}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    running = await startGateway();
    device = await connectClient(running.mqttUrl, { clientId: 'history-publisher' });
    const [lon, lat] = running.gateway.twin.state.city.origin;
    const sensors = {
      'air-7001': 'air',
      'air-7002': 'air',
      'noise-7003': 'noise',
      'air-7004': 'air',
    };
    for (const [id, kind] of Object.entries(sensors)) {
      await publish(device, `devices/${id}/meta`, JSON.stringify({ kind, lat, lon }), {
        qos: 1,
        retain: true,
      });
    }
    const send = (id: string, ts: number, values: Record<string, number>) =>
      publish(device, `devices/${id}/readings`, JSON.stringify({ ts, values }));
    await send('air-7001', past + 5_000, { pm25: 10 });
    await send('air-7001', past + 30_000, { pm25: 14 });
    await send('air-7002', past + 10_000, { pm25: 20 });
    await send('noise-7003', past - 3 * MINUTE, { noise_db: 61 });
    await send('air-7004', past - 20 * MINUTE, { pm25: 3 });
    // The store writer works behind the acknowledgements: wait until the past is stored.
    await until(async () => {
      const { sensors } = (await get<TwinAt>(`/api/twin/at?t=${t}`)).body;
      return sensors.filter((s) => s.status !== 'offline').length === 3;
    }, 15_000);
  }, 60_000);

  afterAll(async () => {
    device?.end(true);
    await running?.dispose();
  });

  it('gives each sensor its last values and its status at a past time', async () => {
    const { body } = await get<TwinAt>(`/api/twin/at?t=${new Date(t).toISOString()}`);
    expect(body.window).toEqual({ from: past, to: past + MINUTE });
    const byId = Object.fromEntries(body.sensors.map((s) => [s.id, s]));
    expect(byId['air-7001']).toEqual({
      id: 'air-7001',
      status: 'online',
      lastMinute: past,
      values: { pm25: 14 },
    });
    expect(byId['air-7002']).toEqual({
      id: 'air-7002',
      status: 'online',
      lastMinute: past,
      values: { pm25: 20 },
    });
    expect(byId['noise-7003']).toEqual({
      id: 'noise-7003',
      status: 'stale',
      lastMinute: past - 3 * MINUTE,
      values: { noise_db: 61 },
    });
    expect(byId['air-7004']).toEqual({ id: 'air-7004', status: 'offline', values: {} });
    expect(body).toHaveProperty('alerts');
  });

  it('gives each region its rollups and its sensors by status at a past time', async () => {
    const { body } = await get<TwinAt>(`/api/twin/at?t=${t}`);
    const city = body.regions.find((r) => r.id === 'city')!;
    expect(city).toMatchObject({ sensors: 4, online: 2, stale: 1, offline: 1 });
    expect(city.layers).toEqual({
      air: { pm25: { count: 3, mean: 44 / 3, min: 10, max: 20, sensors: 2 } },
    });
  });

  it('gives a region its rollups per step', async () => {
    const query = `from=${past - 5 * MINUTE}&to=${past + MINUTE}&layer=air`;
    const perMinute = await get<{ steps: RegionStep[]; stepMs: number }>(
      `/api/history/regions/city?${query}`,
    );
    expect(perMinute.status).toBe(200);
    expect(perMinute.body.stepMs).toBe(MINUTE);
    expect(perMinute.body.steps).toEqual([
      {
        t: past,
        layers: { air: { pm25: { count: 3, mean: 44 / 3, min: 10, max: 20, sensors: 2 } } },
      },
    ]);
    const noise = await get<{ steps: RegionStep[] }>(
      `/api/history/regions/city?from=${past - 5 * MINUTE}&to=${past}&step=${5 * MINUTE}`,
    );
    expect(noise.body.steps).toEqual([
      {
        t: past - 5 * MINUTE,
        layers: { noise: { noise_db: { count: 1, mean: 61, min: 61, max: 61, sensors: 1 } } },
      },
      {
        t: past,
        layers: { air: { pm25: { count: 3, mean: 44 / 3, min: 10, max: 20, sensors: 2 } } },
      },
    ]);
  });

  it('refuses steps that are not whole minutes, and names unknown regions', async () => {
    const bad = await get<{ error: string }>(`/api/history/regions/city?step=1000`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('SENSEGRID_BAD_REQUEST');
    expect((await get(`/api/history/regions/no-such-region`)).status).toBe(404);
    expect((await get(`/api/twin/at`)).status).toBe(400);
  });
});
