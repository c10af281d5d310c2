import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.dispose();
  running = undefined;
});

describe('the gateway with the embedded store', () => {
  it('refuses and counts a malformed payload and stores the same connection’s next good reading', async () => {
    running = await startGateway();
    const client = await connectClient(running.mqttUrl, { clientId: 'air-0001' });
    await publish(client, 'devices/air-0001/readings', '{"values": {"pm25": ');
    await publish(client, 'devices/air-0001/readings', JSON.stringify({ values: { PM: 1 } }));
    const ts = Date.now() - 1000;
    await publish(
      client,
      'devices/air-0001/readings',
      JSON.stringify({ ts, seq: 7, values: { pm25: 12.5 } }),
    );
    expect(client.connected).toBe(true);
    await client.endAsync();
    await running.gateway.close();

    const stored = await running.gateway.store.scan('air-0001', ts - 1, ts + 1);
    expect(stored).toMatchObject([{ device: 'air-0001', ts, seq: 7, values: { pm25: 12.5 } }]);
    const device = running.gateway.registry.get('air-0001')!;
    expect(device.rejected).toBe(2);
    expect(device.readings).toBe(1);
  });

  it('reports refusals by reason in /metrics and the gateway state in /api/health', async () => {
    running = await startGateway();
    const client = await connectClient(running.mqttUrl);
    await publish(client, 'devices/noise-0001/readings', 'not json');
    await publish(
      client,
      'devices/noise-0001/readings',
      JSON.stringify({ values: { noise_db: 50 } }),
    );
    await client.endAsync();

    const metrics = await (await fetch(`${running.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/sensegrid_payloads_rejected_total\{reason="not_json"\} 1/);
    expect(metrics).toMatch(/sensegrid_readings_received_total 1/);
    const health = (await (await fetch(`${running.httpUrl}/api/health`)).json()) as {
      status: string;
      store: { kind: string };
      wal: { pendingReadings: number };
    };
    expect(health.status).toBe('ok');
    expect(health.store.kind).toBe('sqlite');
  });

  it('places a device by its retained meta and serves its series downsampled', async () => {
    running = await startGateway();
    const client = await connectClient(running.mqttUrl, { clientId: 'water-0001' });
    await publish(
      client,
      'devices/water-0001/meta',
      JSON.stringify({ kind: 'water', lat: 30.25, lon: 120.16, firmware: '1.0.0' }),
      { qos: 1, retain: true },
    );
    const start = Date.now() - 100_000;
    const readings = Array.from({ length: 100 }, (_, i) => ({
      ts: start + i * 1000,
      seq: i + 1,
      values: { pressure_bar: i },
    }));
    await publish(client, 'devices/water-0001/readings', JSON.stringify(readings));
    await client.endAsync();
    await running.gateway.close();

    const device = running.gateway.registry.get('water-0001')!;
    expect(device.layer).toBe('water');
    expect(device.placement.district).toMatch(/^d\d\d$/);
    const stored = await running.gateway.store.scan('water-0001', start, start + 100_000);
    expect(stored).toHaveLength(100);
    expect(stored[0]!).toMatchObject({ seq: 1 });
  });

  it('answers a bad series query with 400 and what to fix', async () => {
    running = await startGateway();
    const response = await fetch(`${running.httpUrl}/api/series?device=x&metric=BAD`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('SENSEGRID_BAD_REQUEST');
    expect(body.message).toContain('metric');
  });

  it('takes MQTT over WebSocket at /mqtt', async () => {
    running = await startGateway();
    const client = await connectClient(`${running.httpUrl.replace('http', 'ws')}/mqtt`);
    await publish(
      client,
      'devices/crowd-0001/readings',
      JSON.stringify({ seq: 1, values: { people_per_m2: 0.4 } }),
    );
    await client.endAsync();
    const devices = (await (await fetch(`${running.httpUrl}/api/devices`)).json()) as {
      devices: { id: string; readings: number }[];
    };
    expect(devices.devices).toContainEqual(
      expect.objectContaining({ id: 'crowd-0001', readings: 1 }),
    );
  });
});
