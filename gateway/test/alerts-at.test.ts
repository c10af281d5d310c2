import { decodeFrame, layerIndex } from '@sensegrid/twin';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

const MINUTE = 60_000;

interface Listed {
  id: string;
  state: string;
  openedAt: number;
  resolvedAt: number | null;
  place: { id: string };
}

describe('alerts at a past moment', () => {
  let running: RunningGateway;
  let device: MqttClient;
  const past = Math.floor((Date.now() - 3 * 3600_000) / MINUTE) * MINUTE;
  const opened = past + 10_000;
  const alertsAt = async (query: string): Promise<Listed[]> => {
    const response = await fetch(`${running.httpUrl}/api/alerts?${query}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { alerts: Listed[] }).alerts;
  };

  beforeAll(async () => {
    running = await startGateway();
    device = await connectClient(running.mqttUrl, { clientId: 'air-9001' });
    const [lon, lat] = running.gateway.twin.state.city.origin;
    await publish(device, 'devices/air-9001/meta', JSON.stringify({ kind: 'air', lat, lon }), {
      qos: 1,
      retain: true,
    });
    const send = (ts: number, pm25: number) =>
      publish(device, 'devices/air-9001/readings', JSON.stringify({ ts, values: { pm25 } }));
    for (let m = 5; m >= 1; m--) await send(past - m * MINUTE, 20);
    await send(opened, 1500); // out of range: an incident opens at this reading's time
    // Two hours of normal readings: the condition clears and the incident resolves itself.
    for (let m = 1; m <= 120; m++) await send(past + m * MINUTE, 20);
    const deadline = Date.now() + 20_000;
    while (!(await alertsAt('limit=10')).some((a) => a.resolvedAt !== null)) {
      if (Date.now() > deadline)
        throw new Error(
          'the incident did not resolve itself in 20 s: ' +
            JSON.stringify(await alertsAt('limit=10')),
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  afterAll(async () => {
    device?.end(true);
    await running?.dispose();
  });

  it('lists an alert only from its opening, in the state it was in then', async () => {
    const [alert] = await alertsAt('limit=10');
    expect(alert).toMatchObject({ openedAt: opened, state: 'resolved' });
    expect(await alertsAt(`at=${opened - 1000}`)).toEqual([]);
    expect(await alertsAt(`at=${opened + MINUTE}`)).toMatchObject([
      { id: alert!.id, state: 'discovered' },
    ]);
    expect(await alertsAt(`state=open&at=${opened + MINUTE}`)).toHaveLength(1);
    expect(await alertsAt(`state=open&at=${alert!.resolvedAt! + 1000}`)).toEqual([]);
  });

  it('counts the open alert on its region in the twin at that moment', async () => {
    const [alert] = await alertsAt('limit=10');
    const frameAt = async (t: number) => {
      const response = await fetch(`${running.httpUrl}/api/twin/at/frame?t=${t}`);
      return decodeFrame(new Uint8Array(await response.arrayBuffer()));
    };
    const region = running.gateway.twin.state.regions.get(alert!.place.id)!;
    const alertsOn = async (t: number) =>
      (await frameAt(t)).regions.find(
        (r) => r.region === region.index && r.layer === layerIndex('air'),
      )?.alerts ?? [0, 0, 0, 0];
    const during = await alertsOn(opened + MINUTE);
    expect(during.reduce((a, b) => a + b, 0)).toBe(1);
    const after = await alertsOn(alert!.resolvedAt! + 2 * MINUTE);
    expect(after.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('refuses a moment that is not a time', async () => {
    const response = await fetch(`${running.httpUrl}/api/alerts?at=yesterday-ish`);
    expect(response.status).toBe(400);
  });
});
