import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGridCity, hashSeed } from '@sensegrid/twin';
import { startTestBroker } from '../test/broker.ts';
import type { TestBroker } from '../test/broker.ts';
import { startSubscriber } from '../test/subscriber.ts';
import type { TestSubscriber } from '../test/subscriber.ts';
import { sleep, waitFor } from '../test/wait.ts';
import { startFleet } from './fleet.ts';
import type { Fleet, FleetStats } from './fleet.ts';
import { sampleDevice } from './signals.ts';

const SEED = 5;
const DEVICES = 20;
const INTERVAL_MS = 100;
const START_TIME = Date.parse('2025-06-02T08:00:00+08:00');

describe('startFleet', () => {
  let broker: TestBroker;
  let readings: TestSubscriber;
  let fleet: Fleet;
  const progress: FleetStats[] = [];
  let retainedWhileRunning: TestSubscriber;
  let whileRunning = new Map<string, string>();
  let retainedAfterStop: TestSubscriber;
  const city = createGridCity({ seed: SEED, devices: DEVICES });

  beforeAll(async () => {
    broker = await startTestBroker();
    readings = await startSubscriber(broker.url, ['devices/+/readings']);
    fleet = await startFleet({
      url: broker.url,
      devices: DEVICES,
      seed: SEED,
      intervalMs: INTERVAL_MS,
      qos: 1,
      startTime: START_TIME,
      connectConcurrency: 5,
      progressIntervalMs: 200,
      onProgress: (s) => progress.push(s),
    });
    await sleep(2000);
    retainedWhileRunning = await startSubscriber(broker.url, [
      'devices/+/meta',
      'devices/+/status',
    ]);
    await waitFor(
      'retained meta and status',
      () => retainedWhileRunning.latest.size === 2 * DEVICES,
    );
    whileRunning = new Map(retainedWhileRunning.latest);
    await fleet.stop();
    retainedAfterStop = await startSubscriber(broker.url, ['devices/+/status']);
    await waitFor('retained status', () => retainedAfterStop.latest.size === DEVICES);
  });

  afterAll(async () => {
    await readings?.close();
    await retainedWhileRunning?.close();
    await retainedAfterStop?.close();
    await broker?.close();
  });

  it('connects every device and reports steady progress', () => {
    expect(progress.some((s) => s.connected === DEVICES)).toBe(true);
    const final = fleet.stats();
    expect(final).toMatchObject({ devices: DEVICES, connected: 0, errors: 0, dropped: 0 });
    // About 20 devices x 10 readings/s for 2 s.
    expect(final.acked).toBeGreaterThan(0.7 * DEVICES * 20);
    expect(final.acked).toBe(final.sent);
    const running = progress.filter((s) => s.elapsedMs > 1200 && s.elapsedMs < 2000);
    expect(running.length).toBeGreaterThan(0);
    for (const s of running) expect(s.rate).toBeGreaterThan(0.7 * DEVICES * 10);
  });

  it('delivers every acknowledged reading, in order and without gaps in seq', () => {
    const received = readings.seqsByDevice();
    const acked = fleet.acked();
    expect([...acked.keys()].sort()).toEqual(city.devices.map((d) => d.id).sort());
    for (const [device, seqs] of acked) {
      const got = received.get(device) ?? [];
      expect(seqs.length).toBeGreaterThan(10);
      expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
      expect(got.slice(0, seqs.length)).toEqual(seqs);
    }
  });

  it('stamps readings on a per-device time grid with the values the seed gives', () => {
    const byId = new Map(city.devices.map((d) => [d.id, d]));
    for (const r of readings.readings) {
      const device = byId.get(r.device)!;
      const phase = hashSeed(device.id, SEED) % INTERVAL_MS;
      expect((r.ts - START_TIME - phase) % INTERVAL_MS).toBe(0);
      expect(r.values).toEqual(sampleDevice(device, r.ts, { seed: SEED }));
    }
  });

  it('publishes each device meta and online status as retained messages', () => {
    for (const d of city.devices) {
      expect(whileRunning.get(`devices/${d.id}/status`)).toBe('online');
      const meta = JSON.parse(whileRunning.get(`devices/${d.id}/meta`)!);
      expect(meta).toMatchObject({ kind: d.kind, lat: d.lat, lon: d.lon, layer: d.layer });
      expect(typeof meta.firmware).toBe('string');
    }
  });

  it('leaves every device retained as offline after stop', () => {
    for (const d of city.devices) {
      expect(retainedAfterStop.latest.get(`devices/${d.id}/status`)).toBe('offline');
    }
  });
});

describe('startFleet options', () => {
  it('stops on its own after durationMs', async () => {
    const broker = await startTestBroker();
    try {
      const fleet = await startFleet({
        url: broker.url,
        devices: 3,
        intervalMs: 50,
        durationMs: 300,
      });
      await fleet.done;
      expect(fleet.stats().connected).toBe(0);
      expect(fleet.stats().acked).toBeGreaterThan(0);
    } finally {
      await broker.close();
    }
  });

  it('authenticates each device with its own password from the credentials map', async () => {
    const broker = await startTestBroker();
    const [good, bad] = createGridCity({ seed: 1, devices: 2 }).devices;
    const credentials = new Map([
      [good!.id, 'right'],
      [bad!.id, 'wrong'],
    ]);
    broker.broker.authenticate = (client, username, password, done) =>
      done(null, username === client.id && password?.toString() === 'right');
    const fleet = await startFleet({ url: broker.url, devices: 2, seed: 1, credentials });
    try {
      const byId = new Map(fleet.devices.map((d) => [d.id, d.stats()]));
      expect(byId.get(good!.id)).toMatchObject({ connected: true, errors: 0 });
      expect(byId.get(bad!.id)).toMatchObject({ connected: false, connects: 0 });
      expect(byId.get(bad!.id)!.lastError).toMatch(/authori[sz]ed/i);
    } finally {
      await fleet.stop();
      await broker.close();
    }
  });

  it('connects no more devices at once than connectConcurrency', async () => {
    const broker = await startTestBroker();
    let connecting = 0;
    let most = 0;
    broker.broker.authenticate = (_client, _username, _password, done) => {
      most = Math.max(most, ++connecting);
      setTimeout(() => {
        connecting--;
        done(null, true);
      }, 30);
    };
    const fleet = await startFleet({ url: broker.url, devices: 12, connectConcurrency: 3 });
    try {
      expect(fleet.stats().connected).toBe(12);
      expect(most).toBe(3);
    } finally {
      await fleet.stop();
      await broker.close();
    }
  });

  it('refuses bad options, naming each one', async () => {
    await expect(
      startFleet({ url: 'http://x', devices: -1, intervalMs: 1, qos: 2 as 0 }),
    ).rejects.toThrow(/SENSEGRID_SIM_BAD_OPTION: url .*; devices .*; intervalMs .*; qos/);
  });
});
