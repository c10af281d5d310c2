import { decodeFrame, findMetric, layerIndex } from '@sensegrid/twin';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

const MINUTE = 60_000;

describe('the twin at a past moment as a console frame', () => {
  let running: RunningGateway;
  let device: MqttClient;
  const past = Math.floor((Date.now() - 2 * 3600_000) / MINUTE) * MINUTE;
  const t = past + MINUTE + 20_000;
  const frameAt = async (at: number) => {
    const response = await fetch(`${running.httpUrl}/api/twin/at/frame?t=${at}`);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    return decodeFrame(new Uint8Array(await response.arrayBuffer()));
  };

  beforeAll(async () => {
    running = await startGateway();
    device = await connectClient(running.mqttUrl, { clientId: 'frame-publisher' });
    const [lon, lat] = running.gateway.twin.state.city.origin;
    for (const [id, kind] of [
      ['air-8001', 'air'],
      ['air-8002', 'air'],
    ]) {
      await publish(device, `devices/${id}/meta`, JSON.stringify({ kind, lat, lon }), {
        qos: 1,
        retain: true,
      });
    }
    const send = (id: string, ts: number, pm25: number) =>
      publish(device, `devices/${id}/readings`, JSON.stringify({ ts, values: { pm25 } }));
    await send('air-8001', past + 5_000, 11);
    await send('air-8001', past + 40_000, 17);
    await send('air-8002', past + 20_000, 30);
    await send('air-8001', Date.now(), 99); // the present differs from the past
    // The store writer works behind the acknowledgements: wait until the past is stored.
    const deadline = Date.now() + 15_000;
    while ((await frameAt(t)).devicesOnline < 2) {
      if (Date.now() > deadline) throw new Error('the past readings were not stored in 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  afterAll(async () => {
    device?.end(true);
    await running?.dispose();
  });

  it('carries each sensor’s values and status of the minute before the moment', async () => {
    const frame = await frameAt(t);
    const state = running.gateway.twin.state;
    const pm25 = findMetric('pm25')!.index;
    const byIndex = new Map(frame.sensors.map((s) => [s.index, s]));
    const first = byIndex.get(state.sensors.indexOf('air-8001')!)!;
    expect(first.status).toBe('online');
    expect(first.values).toEqual([[pm25, 17]]);
    expect(byIndex.get(state.sensors.indexOf('air-8002')!)!.values).toEqual([[pm25, 30]]);
    expect(frame).toMatchObject({ snapshot: true, timeMs: t, devicesOnline: 2 });
  });

  it('carries the city’s rollup of the air layer in that minute', async () => {
    const frame = await frameAt(t);
    const city = running.gateway.twin.state.regions.get('city')!;
    const air = frame.regions.find((r) => r.region === city.index && r.layer === layerIndex('air'));
    expect(air).toMatchObject({ sensors: 2, online: 2 });
    const metric = air!.metrics.find((m) => m.metric === findMetric('pm25')!.index)!;
    expect(metric).toMatchObject({ count: 3, min: 11, max: 30 });
    expect(metric.mean).toBeCloseTo((11 + 17 + 30) / 3, 4);
  });

  it('shows the sensors offline long before they reported', async () => {
    const frame = await frameAt(past - 3 * 3600_000);
    expect(frame.devicesOnline).toBe(0);
    expect(frame.sensors.every((s) => s.status === 'offline')).toBe(true);
  });

  it('refuses a request without a moment', async () => {
    const response = await fetch(`${running.httpUrl}/api/twin/at/frame`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/"t" is required/);
  });
});
