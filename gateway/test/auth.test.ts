import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet } from '@sensegrid/firmware-sim';
import { createGridCity } from '@sensegrid/twin';
import { CredentialStore } from '../src/guard/credentials.ts';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

let running: RunningGateway;
let secrets: Map<string, string>;
let credentials: CredentialStore;
const fleetDevices = createGridCity({ seed: 3, devices: 10 }).devices;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-auth-'));
  credentials = new CredentialStore(join(dataDir, 'credentials.json'));
  secrets = await credentials.provision([
    { id: 'probe-a' },
    { id: 'probe-b' },
    { id: 'probe-c' },
    ...fleetDevices.map((device) => ({ id: device.id })),
  ]);
  running = await startGateway({ dataDir, allowAnonymous: false });
});
afterAll(async () => {
  await running.dispose();
});

/** The CONNACK return code of a connection attempt (0: accepted). */
function connackCode(options: mqtt.IClientOptions): Promise<number> {
  return new Promise((resolve) => {
    const client = mqtt.connect(running.mqttUrl, { reconnectPeriod: 0, ...options });
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

const login = (id: string, extra: mqtt.IClientOptions = {}) =>
  connectClient(running.mqttUrl, {
    clientId: id,
    username: id,
    password: secrets.get(id)!,
    ...extra,
  });

function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

async function storedSeqs(device: string): Promise<number[]> {
  await expect.poll(() => running.gateway.wal.stats().pendingReadings, { timeout: 10_000 }).toBe(0);
  const stored = await running.gateway.store.scan(device, 0, Date.now() + 86_400_000);
  return stored.map((reading) => reading.seq!);
}

describe('device authentication', () => {
  it('refuses anonymous clients unless --allow-anonymous', async () => {
    expect(await connackCode({ clientId: 'probe-a' })).toBe(5);
  });

  it('refuses a wrong secret and an unknown device', async () => {
    expect(await connackCode({ clientId: 'probe-a', username: 'probe-a', password: 'guess' })).toBe(
      4,
    );
    expect(await connackCode({ clientId: 'ghost', username: 'ghost', password: 'x' })).toBe(4);
  });

  it('refuses a device using another device’s client id', async () => {
    const code = await connackCode({
      clientId: 'probe-b',
      username: 'probe-a',
      password: secrets.get('probe-a')!,
    });
    expect(code).toBe(2);
  });

  it('accepts a device with its own secret and stores its readings', async () => {
    const device = await login('probe-a');
    await publish(
      device,
      'devices/probe-a/readings',
      JSON.stringify({ seq: 1, values: { pm25: 3 } }),
    );
    await device.endAsync();
    expect(await storedSeqs('probe-a')).toEqual([1]);
  });
});

describe('topic rules for a logged-in device', () => {
  it('closes a device publishing under another device and stores nothing of it', async () => {
    const device = await login('probe-b');
    const gone = closed(device);
    device.publish(
      'devices/probe-c/readings',
      JSON.stringify({ seq: 99, values: { noise_db: 1 } }),
      { qos: 1 },
    );
    await gone;
    device.end(true);
    expect(await storedSeqs('probe-c')).toEqual([]);
  });

  it('closes a device publishing to $SYS', async () => {
    const device = await login('probe-b');
    const gone = closed(device);
    device.publish('$SYS/broker/uptime', 'x', { qos: 1 });
    await gone;
    device.end(true);
  });

  it('grants a device only its own commands topic', async () => {
    const device = await login('probe-c');
    // mqtt.js reports the requested QoS back; the SUBACK itself is read from the wire.
    const suback = new Promise<number[]>((resolve) =>
      device.on('packetreceive', (packet) => {
        if (packet.cmd === 'suback') resolve(packet.granted as number[]);
      }),
    );
    device.subscribe(
      {
        'devices/probe-c/commands': { qos: 1 },
        '#': { qos: 0 },
        'devices/probe-a/commands': { qos: 1 },
      },
      () => undefined,
    );
    expect(await suback).toEqual([1, 128, 128]);
    await device.endAsync();
  });

  it('disconnects a device within seconds of its revocation and refuses it afterwards', async () => {
    const device = await login('probe-b');
    const gone = closed(device);
    await new Promise((resolve) => setTimeout(resolve, 20)); // a new mtime for the file
    await new CredentialStore(credentials.file).revoke('probe-b');
    await gone;
    device.end(true);
    expect(
      await connackCode({
        clientId: 'probe-b',
        username: 'probe-b',
        password: secrets.get('probe-b')!,
      }),
    ).toBe(4);
  }, 15_000);
});

describe('a provisioned simulated fleet', () => {
  it('logs in with its secrets and has every acknowledged reading stored', async () => {
    const fleet = await startFleet({
      url: running.mqttUrl,
      devices: fleetDevices,
      intervalMs: 100,
      qos: 1,
      gapRate: 0,
      credentials: new Map(fleetDevices.map((device) => [device.id, secrets.get(device.id)!])),
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await fleet.stop();
    expect(fleet.stats().errors).toBe(0);
    for (const [device, seqs] of fleet.acked()) {
      expect(seqs.length).toBeGreaterThan(5);
      expect(await storedSeqs(device)).toEqual(seqs);
    }
  });
});
