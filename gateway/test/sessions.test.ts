import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, publish, startGateway } from './gateway-harness.ts';

const dirs: string[] = [];
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.end(true);
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sensegrid-sessions-'));
  dirs.push(dir);
  return dir;
}

function nextMessage(client: MqttClient): Promise<{ topic: string; payload: string }> {
  return new Promise((resolve) =>
    client.once('message', (topic, payload) => resolve({ topic, payload: payload.toString() })),
  );
}

describe('MQTT sessions on disk', () => {
  it('keeps a persistent subscriber’s queued QoS 1 messages across a gateway restart', async () => {
    const dir = await dataDir();
    const first = await startGateway({ dataDir: dir });
    const subscriber = await connectClient(first.mqttUrl, {
      clientId: 'ops-console',
      clean: false,
    });
    await subscriber.subscribeAsync('devices/+/status', { qos: 1 });
    await subscriber.endAsync();
    await first.gateway.close();

    const second = await startGateway({ dataDir: dir, mqttPort: 0 });
    try {
      const device = await connectClient(second.mqttUrl, { clientId: 'fire-0001' });
      clients.push(device);
      await publish(device, 'devices/fire-0001/status', 'online', { qos: 1 });
      const back = await connectClient(second.mqttUrl, { clientId: 'ops-console', clean: false });
      clients.push(back);
      expect(await nextMessage(back)).toEqual({
        topic: 'devices/fire-0001/status',
        payload: 'online',
      });
    } finally {
      await second.gateway.close();
    }
  });

  it('serves retained device meta after a restart', async () => {
    const dir = await dataDir();
    const first = await startGateway({ dataDir: dir });
    const device = await connectClient(first.mqttUrl, { clientId: 'noise-0007' });
    const meta = JSON.stringify({ kind: 'noise', lat: 30.25, lon: 120.16 });
    await publish(device, 'devices/noise-0007/meta', meta, { qos: 1, retain: true });
    await device.endAsync();
    await first.gateway.close();

    const second = await startGateway({ dataDir: dir });
    try {
      const reader = await connectClient(second.mqttUrl);
      clients.push(reader);
      const message = nextMessage(reader);
      await reader.subscribeAsync('devices/noise-0007/meta', { qos: 1 });
      expect(await message).toEqual({ topic: 'devices/noise-0007/meta', payload: meta });
    } finally {
      await second.gateway.close();
    }
  });
});

describe('a store that is down at start', () => {
  it('starts anyway, acknowledges into the write-ahead log and reports degraded health', async () => {
    const running = await startGateway({
      store: 'influx://127.0.0.1:9/nowhere',
      shutdownTimeoutMs: 300,
    });
    dirs.push(running.dataDir);
    try {
      const device = await connectClient(running.mqttUrl, { clientId: 'air-0100' });
      clients.push(device);
      await publish(
        device,
        'devices/air-0100/readings',
        JSON.stringify({ seq: 1, values: { pm25: 4 } }),
      );
      const health = (await (await fetch(`${running.httpUrl}/api/health`)).json()) as {
        status: string;
        wal: { pendingReadings: number };
      };
      expect(health.status).toBe('degraded');
      expect(health.wal.pendingReadings).toBe(1);
    } finally {
      const closing = running.gateway.close();
      await expect(closing).resolves.toEqual({ drained: false });
    }
  });
});

describe('retransmitted readings without a time', () => {
  it('are stored once, also when the retransmission comes after a restart', async () => {
    const dir = await dataDir();
    const payload = JSON.stringify({ seq: 5, values: { pm25: 9 } });
    const first = await startGateway({ dataDir: dir });
    const device = await connectClient(first.mqttUrl, { clientId: 'air-0200' });
    await publish(device, 'devices/air-0200/readings', payload);
    await publish(device, 'devices/air-0200/readings', payload, { qos: 1, dup: true });
    await device.endAsync();
    await first.gateway.close();

    const second = await startGateway({ dataDir: dir });
    try {
      const again = await connectClient(second.mqttUrl, { clientId: 'air-0200' });
      clients.push(again);
      await publish(again, 'devices/air-0200/readings', payload, { qos: 1, dup: true });
    } finally {
      await second.gateway.close();
    }
    const store = second.gateway.store;
    await store.init();
    const stored = await store.scan('air-0200', 0, Date.now() + 1000);
    await store.close();
    expect(stored.map((reading) => reading.seq)).toEqual([5]);
  });
});
