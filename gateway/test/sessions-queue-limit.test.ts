import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

const dirs: string[] = [];
const clients: MqttClient[] = [];
const gateways: RunningGateway[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.end(true);
  for (const running of gateways.splice(0)) await running.gateway.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sensegrid-queues-'));
  dirs.push(dir);
  return dir;
}

async function start(dir: string, sessionQueueMax: number): Promise<RunningGateway> {
  const running = await startGateway({ dataDir: dir, sessionQueueMax });
  gateways.push(running);
  return running;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

/** Subscribes a persistent client to `topic` at QoS 1, then goes away. */
async function subscribeAndLeave(url: string, clientId: string, topic: string): Promise<void> {
  const subscriber = await connectClient(url, { clientId, clean: false });
  await subscriber.subscribeAsync(topic, { qos: 1 });
  await subscriber.endAsync();
}

/** Reconnects a persistent client and collects what arrives until nothing has for `quietMs`. */
async function collectQueued(url: string, clientId: string, quietMs = 1500): Promise<string[]> {
  const received: string[] = [];
  let last = Date.now();
  const client = await connectClient(url, { clientId, clean: false, reconnectPeriod: 0 });
  clients.push(client);
  client.on('message', (_topic, payload) => {
    received.push(payload.toString());
    last = Date.now();
  });
  await expect
    .poll(() => Date.now() - last > quietMs, { timeout: 60_000, interval: 100 })
    .toBe(true);
  return received;
}

async function droppedCounter(running: RunningGateway): Promise<number> {
  const text = await (await fetch(`${running.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('sensegrid_session_queue_dropped_total'));
  return Number(line?.split(' ')[1] ?? NaN);
}

describe('the queue of a persistent session', () => {
  it('keeps only the newest messages past the limit, also across a restart', async () => {
    const limit = 50;
    const dir = await dataDir();
    const first = await start(dir, limit);
    await subscribeAndLeave(first.mqttUrl, 'ops-archive', 'devices/+/status');
    const device = await connectClient(first.mqttUrl, { clientId: 'fire-0001' });
    clients.push(device);
    const sent = Array.from({ length: 3 * limit }, (_, i) => `m-${String(i).padStart(4, '0')}`);
    for (const payload of sent) await publish(device, 'devices/fire-0001/status', payload);
    await expect.poll(() => droppedCounter(first), { timeout: 10_000 }).toBe(2 * limit);
    device.end(true);
    await first.gateway.close();
    gateways.splice(gateways.indexOf(first), 1);

    const second = await start(dir, limit);
    expect(await collectQueued(second.mqttUrl, 'ops-archive')).toEqual(sent.slice(-limit));
  }, 90_000);

  it('counts what survived a restart against the limit', async () => {
    const limit = 20;
    const dir = await dataDir();
    const first = await start(dir, limit);
    await subscribeAndLeave(first.mqttUrl, 'ops-archive', 'devices/+/status');
    const device = await connectClient(first.mqttUrl, { clientId: 'fire-0002' });
    for (let i = 0; i < limit; i++) await publish(device, 'devices/fire-0002/status', `a-${i}`);
    await device.endAsync();
    await first.gateway.close();
    gateways.splice(gateways.indexOf(first), 1);

    const second = await start(dir, limit);
    const again = await connectClient(second.mqttUrl, { clientId: 'fire-0002' });
    clients.push(again);
    for (let i = 0; i < 5; i++) await publish(again, 'devices/fire-0002/status', `b-${i}`);
    await expect.poll(() => droppedCounter(second), { timeout: 10_000 }).toBe(5);
    const expected = [
      ...Array.from({ length: limit - 5 }, (_, i) => `a-${i + 5}`),
      ...Array.from({ length: 5 }, (_, i) => `b-${i}`),
    ];
    expect(await collectQueued(second.mqttUrl, 'ops-archive')).toEqual(expected);
  }, 90_000);

  it('keeps the session folder small while far more than the limit passes through', async () => {
    const limit = 20;
    const dir = await dataDir();
    const running = await start(dir, limit);
    await subscribeAndLeave(running.mqttUrl, 'ops-archive', 'devices/+/status');
    const device = await connectClient(running.mqttUrl, { clientId: 'fire-0003' });
    clients.push(device);
    const payload = 'x'.repeat(8 * 1024);
    const messages = 2500; // 20 MB through a queue that may hold 160 KB
    for (let i = 0; i < messages; i++) await publish(device, 'devices/fire-0003/status', payload);
    await expect.poll(() => droppedCounter(running), { timeout: 20_000 }).toBe(messages - limit);
    const bytes = await folderBytes(join(dir, 'sessions'));
    // LevelDB keeps deleted entries until it compacts them away; the bound is what matters.
    expect(bytes).toBeLessThan(messages * payload.length * 0.5);
    expect(await collectQueued(running.mqttUrl, 'ops-archive')).toHaveLength(limit);
  }, 120_000);
});
