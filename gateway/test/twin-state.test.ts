import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import {
  createCityIndex,
  createDemoCity,
  decodeFrame,
  findMetric,
  type Frame,
} from '@sensegrid/twin';
import { createConsoleAccess } from '../src/twin-state/console-access.ts';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

let running: RunningGateway | undefined;
const clients: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await running?.dispose();
  running = undefined;
});

const city = createDemoCity({ seed: 2, sensors: 400, buildings: 4000 });
const json = async <T>(url: string) => (await (await fetch(url)).json()) as T;

async function consoleClient(httpUrl: string, frames: Frame[]): Promise<MqttClient> {
  const client = await connectClient(`${httpUrl.replace('http', 'ws')}/mqtt`, {
    clientId: `console-test-${Math.random().toString(16).slice(2, 8)}`,
  });
  clients.push(client);
  client.on('message', (_topic, payload) => {
    try {
      frames.push(decodeFrame(payload));
    } catch {
      frames.push({ seq: -1 } as Frame);
    }
  });
  await client.subscribeAsync('$twin/frames', { qos: 0 });
  return client;
}

describe('the live twin in the gateway', () => {
  it('serves the city, layers, regions in every grid system, and a region with its rollups', async () => {
    running = await startGateway({}, { city });
    const geometry = await json<{
      buildings: { id: string[] };
      regions: { id: string }[];
      systems: { id: string }[];
    }>(`${running.httpUrl}/api/city`);
    expect(geometry.buildings.id).toHaveLength(4000);
    expect(geometry.systems.map((s) => s.id)).toEqual([
      'operations',
      'policing',
      'governance',
      'utilities',
    ]);

    const layers = await json<{
      layers: { id: string; sensors: number; legend: { unit: string } }[];
    }>(`${running.httpUrl}/api/layers`);
    expect(layers.layers.find((l) => l.id === 'traffic')).toMatchObject({
      sensors: 80,
      legend: { unit: 'km/h' },
    });

    const policing = await json<{ regions: { id: string; system: string; sensors: number }[] }>(
      `${running.httpUrl}/api/regions?system=policing`,
    );
    expect(policing.regions).toHaveLength(64);
    expect(policing.regions.reduce((n, r) => n + r.sensors, 0)).toBe(400);
    const districts = await json<{ regions: { id: string; sensors: number }[] }>(
      `${running.httpUrl}/api/regions?level=district`,
    );
    expect(districts.regions.reduce((n, r) => n + r.sensors, 0)).toBe(400);

    const d01 = await json<{
      path: { id: string }[];
      children: { id: string }[];
      total: { sensors: number };
    }>(`${running.httpUrl}/api/regions/d01`);
    expect(d01.path.map((p) => p.id)).toEqual(['city', 'd01']);
    expect(d01.children.map((c) => c.id)).toEqual(['d01-s1', 'd01-s2', 'd01-s3', 'd01-s4']);
    expect(d01.total.sensors).toBe(districts.regions.find((r) => r.id === 'd01')!.sensors);
    expect((await fetch(`${running.httpUrl}/api/regions/nowhere`)).status).toBe(404);
    expect((await fetch(`${running.httpUrl}/api/regions?system=bogus`)).status).toBe(400);
  });

  it('pushes coalesced frames to a console: a reading shows up, at most 10 frames a second', async () => {
    running = await startGateway({}, { city });
    const frames: Frame[] = [];
    await consoleClient(running.httpUrl, frames);
    const sensor = city.sensors.find((s) => s.kind === 'noise')!;
    const index = city.sensors.indexOf(sensor);
    const device = await connectClient(running.mqttUrl, { clientId: sensor.id });
    clients.push(device);
    await publish(
      device,
      `devices/${sensor.id}/readings`,
      JSON.stringify({ values: { noise_db: 61.5 } }),
    );
    // The first frame after start lists every sensor (as unknown): look for the reading's.
    const withValues = (s: Frame['sensors'][number]) => s.index === index && s.values.length > 0;
    await waitFor(() => frames.some((f) => f.sensors.some(withValues)));
    const update = frames.flatMap((f) => f.sensors).find(withValues)!;
    expect(update.status).toBe('online');
    expect(update.values).toEqual([[findMetric('noise_db')!.index, 61.5]]);

    // A flood of 2,000 readings over about a second still makes at most ~10 frames per second.
    const flooded = frames.length;
    const started = Date.now();
    const noise = city.sensors.filter((s) => s.kind === 'noise');
    for (let i = 0; i < 2000; i++) {
      const s = noise[i % noise.length]!;
      device.publish(
        `devices/${s.id}/readings`,
        JSON.stringify({ values: { noise_db: 40 + (i % 30) } }),
        { qos: 0 },
      );
      if (i % 200 === 199) await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 400));
    const seconds = (Date.now() - started) / 1000;
    const made = frames.length - flooded;
    expect(made).toBeGreaterThan(2);
    expect(made / seconds).toBeLessThanOrEqual(11);
    const last = frames.at(-1)!;
    expect(last.readingsTotal).toBeGreaterThan(1000);
    const noiseOnline = frames.flatMap((f) => f.sensors).filter((s) => s.status === 'online');
    expect(new Set(noiseOnline.map((s) => s.index)).size).toBe(noise.length);
  });

  it('keeps the console read-only and the $twin topics to the gateway', async () => {
    running = await startGateway({}, { city });
    const frames: Frame[] = [];
    const console = await consoleClient(running.httpUrl, frames);
    await expect(console.subscribeAsync('devices/+/readings')).rejects.toThrow(/Subscribe error/);
    const device = await connectClient(running.mqttUrl, { clientId: 'air-0001' });
    clients.push(device);
    device.publish('$twin/frames', 'forged', { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    // Every message on the topic was a real frame (a forged one would not decode).
    expect(frames.every((f) => f.seq > 0)).toBe(true);
  });

  it('serves a snapshot of the whole twin that decodes to every sensor', async () => {
    running = await startGateway({}, { city });
    const bytes = new Uint8Array(
      await (await fetch(`${running.httpUrl}/api/twin/snapshot`)).arrayBuffer(),
    );
    const snapshot = decodeFrame(bytes);
    expect(snapshot.snapshot).toBe(true);
    expect(snapshot.sensors).toHaveLength(400);
    expect(snapshot.regions.length).toBeGreaterThan(100);
  });

  it('adds a device that is not in the city where its meta places it', async () => {
    running = await startGateway({}, { city });
    const client = await connectClient(running.mqttUrl, { clientId: 'air-9999' });
    clients.push(client);
    const { origin } = city;
    await publish(
      client,
      'devices/air-9999/meta',
      JSON.stringify({ kind: 'air', lat: origin[1], lon: origin[0] }),
      { qos: 1, retain: true },
    );
    await publish(client, 'devices/air-9999/readings', JSON.stringify({ values: { pm25: 9 } }));
    const detail = await json<{
      status: string;
      values: Record<string, number>;
      systems: { system: string; region: string }[];
    }>(`${running.httpUrl}/api/sensors/air-9999`);
    expect(detail.status).toBe('online');
    expect(detail.values).toEqual({ pm25: 9 });
    expect(detail.systems.map((s) => s.system)).toEqual([
      'operations',
      'policing',
      'governance',
      'utilities',
    ]);
    expect(detail.systems.every((s) => typeof s.region === 'string')).toBe(true);
  });
});

describe('a device that moves', () => {
  interface Detail {
    path: { id: string }[];
    systems: { system: string; region: string | null }[];
    building: string | null;
  }
  interface Region {
    total: { sensors: number };
    layers: { layer: string; metrics: { metric: string; count: number }[] }[];
  }

  it('takes its sensor to the regions of its new position in every grid system, its rollups and the console table', async () => {
    running = await startGateway({}, { city });
    const index = createCityIndex(city);
    const policing = (lat: number, lon: number) => index.place(lat, lon).systems.policing;
    const from = city.sensors.find((s) => s.layer === 'air')!;
    const fromPlace = index.place(from.lat, from.lon);
    // A position in another district and another policing beat: another sensor's.
    const to = city.sensors.find((s) => {
      const p = index.place(s.lat, s.lon);
      return (
        p.district !== fromPlace.district && p.systems.policing !== policing(from.lat, from.lon)
      );
    })!;
    const toPlace = index.place(to.lat, to.lon);
    const region = (id: string) => json<Region>(`${running!.httpUrl}/api/regions/${id}`);
    const before = {
      from: (await region(fromPlace.district!)).total.sensors,
      to: (await region(toPlace.district!)).total.sensors,
      fromBeat: (await region(fromPlace.systems.policing!)).total.sensors,
      toBeat: (await region(toPlace.systems.policing!)).total.sensors,
      version: (await json<{ version: number }>(`${running.httpUrl}/api/sensors`)).version,
    };
    const frames: Frame[] = [];
    await consoleClient(running.httpUrl, frames);

    const device = await connectClient(running.mqttUrl, { clientId: from.id });
    clients.push(device);
    await publish(
      device,
      `devices/${from.id}/meta`,
      JSON.stringify({ kind: 'air', lat: to.lat, lon: to.lon }),
      { qos: 1, retain: true },
    );
    const detail = await json<Detail>(`${running.httpUrl}/api/sensors/${from.id}`);
    expect(detail.path.map((p) => p.id)).toContain(toPlace.district);
    expect(detail.building).toBeNull();
    for (const system of ['operations', 'policing', 'governance', 'utilities']) {
      expect(detail.systems.find((s) => s.system === system)?.region).toBe(
        toPlace.systems[system] ?? null,
      );
    }
    expect((await region(fromPlace.district!)).total.sensors).toBe(before.from - 1);
    expect((await region(toPlace.district!)).total.sensors).toBe(before.to + 1);
    expect((await region(fromPlace.systems.policing!)).total.sensors).toBe(before.fromBeat - 1);
    expect((await region(toPlace.systems.policing!)).total.sensors).toBe(before.toBeat + 1);

    // The console's table has the new position, and frames tell consoles to reload it.
    const table = await json<{ version: number; id: string[]; x: number[]; y: number[] }>(
      `${running.httpUrl}/api/sensors`,
    );
    expect(table.version).toBeGreaterThan(before.version);
    const at = table.id.indexOf(from.id);
    expect(Math.hypot(table.x[at]! - to.x, table.y[at]! - to.y)).toBeLessThan(1);
    await waitFor(() => frames.some((f) => f.sensorsVersion === table.version));

    // The device's next readings count where it now is, and are stored with its new tags.
    await publish(device, `devices/${from.id}/readings`, JSON.stringify({ values: { pm25: 12 } }));
    const pm25 = (r: Region) =>
      r.layers.find((l) => l.layer === 'air')?.metrics.find((m) => m.metric === 'pm25')?.count ?? 0;
    expect(pm25(await region(toPlace.district!))).toBe(1);
    expect(pm25(await region(fromPlace.district!))).toBe(0);
    const devices = await json<{ devices: { id: string; placement: { district?: string } }[] }>(
      `${running.httpUrl}/api/devices`,
    );
    expect(devices.devices.find((d) => d.id === from.id)?.placement.district).toBe(
      toPlace.district,
    );
  });
});

describe('console access', () => {
  it('skips frames for a console whose socket is backed up, and counts them', () => {
    const access = createConsoleAccess({ maxBufferedBytes: 1000 });
    const packet = { topic: '$twin/frames' } as never;
    const client = (writableLength: number) =>
      ({ id: 'console-1', req: {}, conn: { writableLength } }) as never;
    expect(access.forward(client(10), packet)).toBe(packet);
    expect(access.forward(client(5000), packet)).toBeNull();
    expect(access.forward(client(5000), { topic: 'devices/x/commands' } as never)).not.toBeNull();
    expect(access.stats.framesSkipped).toBe(1);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
