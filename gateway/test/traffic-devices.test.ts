import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../src/alerts/signal.ts';
import { publish, startGateway, type RunningGateway } from './gateway-harness.ts';
import { signIn } from './harness/sign-in.ts';

// Short buckets and warm-ups so that a test teaches the monitor a device's habits in seconds.
const TRAFFIC = {
  bucketMs: 500,
  warmupBuckets: 4,
  warmupPublishes: 10,
  floodFactor: 10,
  floodMinMsgsPerSec: 5,
  oversizedMinBytes: 1024,
  silenceFactor: 5,
  silenceMinMs: 1500,
  churnConnects: 4,
  churnWindowMs: 30_000,
};

let running: RunningGateway;
const signals: Signal[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  running = await startGateway({}, { traffic: TRAFFIC });
  running.gateway.signals.onSignal((signal) => {
    if (signal.source === 'traffic') signals.push(signal);
  });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync()));
  await running.dispose();
});

async function device(id: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(running.mqttUrl, { clientId: id, reconnectPeriod: 0 });
  clients.push(client);
  return client;
}

const reading = (seq: number) => `{"seq":${seq},"values":{"pm25":${10 + (seq % 7)}}}`;

/** Publishes readings `first`..`last` as `id`, one every `intervalMs`, each acknowledged. */
async function publishSteadily(
  client: MqttClient,
  id: string,
  first: number,
  last: number,
  intervalMs: number,
) {
  const started = performance.now();
  for (let seq = first; seq <= last; seq++) {
    const wait = started + (seq - first) * intervalMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await publish(client, `devices/${id}/readings`, reading(seq));
  }
}

const found = (kind: string, id: string, clear = false) =>
  signals.filter((s) => s.kind === kind && s.device === id && !!s.clear === clear);

async function storedCount(id: string): Promise<number> {
  return (await running.gateway.store.scan(id, 0, Date.now() + 86_400_000)).length;
}

describe('the traffic monitor in the gateway', () => {
  it('flags a flooding device while a well-behaved one has every reading stored', async () => {
    const calm = await device('calm-1');
    const flooder = await device('flooder-1');
    const calmDone = publishSteadily(calm, 'calm-1', 1, 60, 100);
    await publishSteadily(flooder, 'flooder-1', 1, 30, 100);
    // 1000 publishes at once: more than 10x its 10 per second.
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        publish(flooder, 'devices/flooder-1/readings', reading(31 + i)),
      ),
    );
    await calmDone;
    await expect.poll(() => found('flood', 'flooder-1').length, { timeout: 10_000 }).toBe(1);
    const flood = found('flood', 'flooder-1')[0]!;
    expect(flood).toMatchObject({ source: 'traffic', layer: 'netsec' });
    expect(flood.explanation).toMatch(
      /^device flooder-1 publishes [\d.]+ messages\/s, [\d.]+x its usual/,
    );
    expect(flood.score).toBeGreaterThan(0.5);
    expect(found('flood', 'calm-1')).toEqual([]);
    await expect.poll(() => storedCount('calm-1'), { timeout: 30_000 }).toBe(60);
    await expect.poll(() => storedCount('flooder-1'), { timeout: 30_000 }).toBe(1030);
    // The flood ends with the first quiet bucket.
    await expect.poll(() => found('flood', 'flooder-1', true).length, { timeout: 10_000 }).toBe(1);
  }, 60_000);

  it('flags a topic a device had not used and a payload far over its usual size', async () => {
    const client = await device('odd-1');
    await publishSteadily(client, 'odd-1', 1, 12, 20);
    await publish(client, 'devices/odd-1/meta', '{"kind":"air","lat":52.52,"lon":13.4}');
    const batch = JSON.stringify(
      Array.from({ length: 60 }, (_, i) => ({ seq: 100 + i, values: { pm25: i } })),
    );
    expect(batch.length).toBeGreaterThan(8 * reading(1).length);
    await publish(client, 'devices/odd-1/readings', batch);
    await expect.poll(() => found('new_topic', 'odd-1').length, { timeout: 10_000 }).toBe(1);
    expect(found('new_topic', 'odd-1')[0]!.explanation).toContain('devices/odd-1/meta');
    await expect.poll(() => found('oversized', 'odd-1').length, { timeout: 10_000 }).toBe(1);
    expect(found('oversized', 'odd-1')[0]!.explanation).toMatch(
      new RegExp(`^device odd-1 sent a ${batch.length}-byte payload`),
    );
  }, 30_000);

  it('flags a device that falls silent, and clears it when it speaks again', async () => {
    const client = await device('quiet-1');
    await publishSteadily(client, 'quiet-1', 1, 30, 100);
    await expect.poll(() => found('silence', 'quiet-1').length, { timeout: 15_000 }).toBe(1);
    expect(found('silence', 'quiet-1')[0]!.explanation).toMatch(
      /^device quiet-1 has not published for \d+ s; it usually publishes every/,
    );
    await publish(client, 'devices/quiet-1/readings', reading(31));
    await expect.poll(() => found('silence', 'quiet-1', true).length, { timeout: 5000 }).toBe(1);
  }, 30_000);

  it('flags a client id that connects again and again', async () => {
    for (let i = 0; i < 4; i++) {
      const client = await mqtt.connectAsync(running.mqttUrl, {
        clientId: 'churner-1',
        reconnectPeriod: 0,
      });
      await client.endAsync();
    }
    await expect.poll(() => found('churn', 'churner-1').length, { timeout: 5000 }).toBe(1);
    expect(found('churn', 'churner-1')[0]!.explanation).toBe(
      'client id churner-1 connected 4 times within 30 s (latest from 127.0.0.1)',
    );
  });

  it('lists the misbehaving devices, how, and their rates at /api/security', async () => {
    const operator = await signIn(running, 'operator');
    const response = await fetch(`${running.httpUrl}/api/security`, { headers: operator.headers });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      devices: {
        id: string;
        kinds: { kind: string; count: number; explanation: string }[];
        rate?: { usualMsgsPerSec: number };
      }[];
    };
    const byId = new Map(body.devices.map((d) => [d.id, d]));
    expect(byId.get('flooder-1')?.kinds.map((k) => k.kind)).toContain('flood');
    expect(byId.get('flooder-1')?.rate?.usualMsgsPerSec).toBeGreaterThan(5);
    expect(
      byId
        .get('odd-1')
        ?.kinds.map((k) => k.kind)
        .sort(),
    ).toEqual(['new_topic', 'oversized']);
    expect(byId.get('quiet-1')?.kinds.map((k) => k.kind)).toEqual(['silence']);
    expect(byId.get('churner-1')?.kinds.map((k) => k.kind)).toEqual(['churn']);
    // calm-1 stopped publishing with its test, so by now it may be silent; it never flooded.
    expect(byId.get('calm-1')?.kinds.map((k) => k.kind) ?? []).not.toContain('flood');
    const metrics = await (await fetch(`${running.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/sensegrid_traffic_findings_total\{kind="flood"\} 1\b/);
    expect(metrics).toMatch(/sensegrid_traffic_findings_total\{kind="silence"\} [1-9]/);
  });
});
