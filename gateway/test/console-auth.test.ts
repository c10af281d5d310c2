import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDemoCity, decodeFrame, type Frame } from '@sensegrid/twin';
import { TokenSigner, loadTokenSecret } from '../src/auth/tokens.ts';
import { CredentialStore } from '../src/guard/credentials.ts';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';
import { signIn } from './harness/sign-in.ts';

const city = createDemoCity({ seed: 2, sensors: 200, buildings: 2000 });
let running: RunningGateway;
const clients: MqttClient[] = [];

beforeAll(async () => {
  running = await startGateway({ openConsole: false }, { city });
});
const endClients = () => Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
afterEach(endClients);
afterAll(async () => {
  await running?.dispose();
});

const wsUrl = (gateway: RunningGateway) => `${gateway.httpUrl.replace('http', 'ws')}/mqtt`;
const consoleId = () => `console-test-${Math.random().toString(16).slice(2, 8)}`;

async function consoleAs(
  gateway: RunningGateway,
  credentials: { username?: string; password?: string },
): Promise<MqttClient> {
  const client = await connectClient(wsUrl(gateway), { clientId: consoleId(), ...credentials });
  clients.push(client);
  return client;
}

/** The CONNACK return code of a console's connection attempt (0: accepted). */
function connackCode(options: mqtt.IClientOptions): Promise<number> {
  return new Promise((resolve) => {
    const client = mqtt.connect(wsUrl(running), {
      reconnectPeriod: 0,
      clientId: consoleId(),
      ...options,
    });
    client.once('connect', () => {
      client.end(true);
      resolve(0);
    });
    client.once('error', (error) => {
      client.end(true);
      resolve((error as { code?: number }).code ?? -1);
    });
  });
}

describe('the console over MQTT with a token', () => {
  it('reads live frames when signed in with a valid token', async () => {
    const viewer = await signIn(running, 'viewer');
    const console = await consoleAs(running, { username: viewer.name, password: viewer.token });
    const frames: Frame[] = [];
    console.on('message', (_topic, payload) => frames.push(decodeFrame(payload)));
    await console.subscribeAsync('$twin/frames', { qos: 0 });
    const sensor = city.sensors.find((s) => s.kind === 'noise')!;
    const index = city.sensors.indexOf(sensor);
    const device = await connectClient(running.mqttUrl, { clientId: sensor.id });
    clients.push(device);
    const reading = JSON.stringify({ values: { noise_db: 61.5 } });
    await publish(device, `devices/${sensor.id}/readings`, reading);
    await expect
      .poll(() => frames.some((f) => f.sensors.some((s) => s.index === index && s.values.length)))
      .toBe(true);
  });

  it('refuses a console without credentials, with an expired, forged or someone else’s token', async () => {
    const viewer = await signIn(running, 'viewer');
    const admin = await signIn(running, 'admin');
    const signer = new TokenSigner(loadTokenSecret(join(running.dataDir, 'token-secret')));
    const now = Date.now();
    const expired = signer.sign({
      name: viewer.name,
      role: viewer.role,
      issuedAt: now - 60_000,
      expiresAt: now - 1,
      id: 'expired',
    });
    const forged = new TokenSigner(Buffer.alloc(32, 1)).issue('admin', 'admin', 60_000).token;
    const NOT_AUTHORIZED = 5;
    expect(await connackCode({})).toBe(NOT_AUTHORIZED);
    expect(await connackCode({ username: viewer.name, password: expired })).toBe(NOT_AUTHORIZED);
    expect(await connackCode({ username: 'admin', password: forged })).toBe(NOT_AUTHORIZED);
    expect(await connackCode({ username: viewer.name, password: admin.token })).toBe(
      NOT_AUTHORIZED,
    );
    expect(await connackCode({ username: viewer.name, password: viewer.token })).toBe(0);
  });

  it('keeps a signed-in console read-only', async () => {
    const admin = await signIn(running, 'admin');
    const console = await consoleAs(running, { username: admin.name, password: admin.token });
    const closed = new Promise<void>((resolve) => console.once('close', () => resolve()));
    console.publish(`devices/${city.sensors[1]!.id}/readings`, '{"values":{"x":1}}', { qos: 1 });
    await closed;
    expect(running.gateway.registry.get(city.sensors[1]!.id)).toBeUndefined();
  });

  it('lets only an admin subscribe to devices/#', async () => {
    const viewer = await signIn(running, 'viewer');
    const dispatcher = await signIn(running, 'dispatcher');
    const admin = await signIn(running, 'admin');
    for (const user of [viewer, dispatcher]) {
      const console = await consoleAs(running, { username: user.name, password: user.token });
      await expect(console.subscribeAsync('devices/#')).rejects.toThrow(/Subscribe error/);
    }
    const console = await consoleAs(running, { username: admin.name, password: admin.token });
    for (const topic of ['#', '$twin/#', '+/+/readings']) {
      if (topic === '$twin/#') await console.subscribeAsync(topic);
      else await expect(console.subscribeAsync(topic), topic).rejects.toThrow(/Subscribe error/);
    }
    const granted = await console.subscribeAsync('devices/#');
    expect(granted.map((g) => g.qos)).toEqual([0]);
    const seen: string[] = [];
    console.on('message', (topic) => seen.push(topic));
    const sensor = city.sensors[2]!;
    const device = await connectClient(running.mqttUrl, { clientId: sensor.id });
    clients.push(device);
    await publish(device, `devices/${sensor.id}/readings`, JSON.stringify({ values: { x: 2 } }));
    await expect.poll(() => seen).toContain(`devices/${sensor.id}/readings`);
  });

  it('does not let a device subscribe to #', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-console-auth-'));
    const credentials = new CredentialStore(join(dataDir, 'credentials.json'));
    const secret = (await credentials.provision([{ id: 'air-7001' }])).get('air-7001')!;
    const secured = await startGateway({ dataDir, openConsole: false, allowAnonymous: false });
    try {
      const device = await connectClient(secured.mqttUrl, {
        clientId: 'air-7001',
        username: 'air-7001',
        password: secret,
      });
      clients.push(device);
      for (const topic of ['#', 'devices/#', '$twin/frames']) {
        await expect(device.subscribeAsync(topic), topic).rejects.toThrow(/Subscribe error/);
      }
      await device.subscribeAsync('devices/air-7001/commands');
    } finally {
      await endClients();
      await secured.dispose();
    }
  });

  it('disconnects a console when its token expires', async () => {
    const shortLived = await startGateway({ openConsole: false, tokenTtlMs: '3s' }, { city });
    try {
      const viewer = await signIn(shortLived, 'viewer');
      expect(viewer.expiresAt - Date.now()).toBeLessThanOrEqual(3000);
      const console = await consoleAs(shortLived, {
        username: viewer.name,
        password: viewer.token,
      });
      let closedAt = 0;
      console.once('close', () => (closedAt = Date.now()));
      await expect.poll(() => closedAt, { timeout: 15_000 }).toBeGreaterThan(0);
      expect(closedAt).toBeGreaterThanOrEqual(viewer.expiresAt);
    } finally {
      await endClients();
      await shortLived.dispose();
    }
  }, 30_000);
});

describe('an open console', () => {
  it('lets the gateway close while consoles are connected', async () => {
    const open = await startGateway({ openConsole: true }, { city });
    const guest = await consoleAs(open, {});
    const admin = await signIn(open, 'admin');
    await consoleAs(open, { username: admin.name, password: admin.token });
    const closed = new Promise<void>((resolve) => guest.once('close', () => resolve()));
    await open.dispose();
    await closed;
  });

  it('admits a console without credentials as a viewer that may read only $twin/', async () => {
    const open = await startGateway({ openConsole: true }, { city });
    try {
      const console = await consoleAs(open, {});
      await console.subscribeAsync('$twin/frames');
      await expect(console.subscribeAsync('devices/#')).rejects.toThrow(/Subscribe error/);
    } finally {
      await endClients();
      await open.dispose();
    }
  });
});
