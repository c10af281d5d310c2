import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYERS, createDemoCity, readFrame } from '@sensegrid/twin';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';
import { signIn, type SignedIn } from './harness/sign-in.ts';
import { connectSlowConsole, type SlowConsole } from './console-slow-client.ts';

// Frames big enough to fill a stalled socket's kernel buffers in seconds: every sensor of a
// 3,000-sensor city reads all its layer's metrics every second and a half, so most region rollups
// change in every region frame.
const city = createDemoCity({ seed: 5, sensors: 3000, buildings: 2000 });
const RATE_PER_SEC = 2000;
/** The gateway's default for a console's unsent bytes before it skips frames. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

let running: RunningGateway;
let viewer: SignedIn;
const clients: MqttClient[] = [];
const slow: SlowConsole[] = [];

beforeAll(async () => {
  // Consoles sign in with a token, as in production. The drain timeout (which also bounds
  // unanswered WebSocket pings) is raised so that the stall under test ends by the client
  // reading again, not by the gateway closing it: here the skipping is what is tested.
  running = await startGateway({ openConsole: false, drainTimeoutMs: 120_000 }, { city });
  viewer = await signIn(running, 'viewer');
}, 60_000);
afterAll(async () => {
  for (const c of slow.splice(0)) c.close();
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await running?.dispose();
});

const wsUrl = () => `${running.httpUrl.replace('http', 'ws')}/mqtt`;
const metricsOf = new Map<string, string[]>(
  LAYERS.map((l) => [l.id, l.metrics.map((m) => m.name)]),
);

/** Publishes readings round-robin over the city's sensors at `RATE_PER_SEC` until stopped. */
async function startLoad(): Promise<() => Promise<void>> {
  const publishers = await Promise.all(
    [0, 1].map((i) => connectClient(running.mqttUrl, { clientId: `slow-load-${i}` })),
  );
  clients.push(...publishers);
  let next = 0;
  const started = Date.now();
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * RATE_PER_SEC);
    for (; next < due; next++) {
      const sensor = city.sensors[next % city.sensors.length]!;
      const values = Object.fromEntries(
        (metricsOf.get(sensor.layer) ?? []).map((m, k) => [m, (next + k * 7) % 50]),
      );
      publishers[next % 2]!.publish(`devices/${sensor.id}/readings`, JSON.stringify({ values }), {
        qos: 0,
      });
    }
  }, 20);
  return async () => clearInterval(timer);
}

/** Bytes the gateway holds for a console: its stream's queue and its socket's. */
function bufferedFor(clientId: string): number {
  const found = running.gateway.twin.consoleAccess.sessions().find(([c]) => c.id === clientId);
  if (!found) return -1;
  const client = found[0] as unknown as {
    conn: { writableLength: number };
    req?: { socket?: { writableLength: number } };
  };
  return client.conn.writableLength + (client.req?.socket?.writableLength ?? 0);
}

interface Window {
  /** Frames the healthy console received per second. */
  framesPerSec: number;
  /** Seqs it received, in order. */
  seqs: number[];
  /** Frames the gateway made in the window. */
  made: number;
  /** 90th percentile of PUBACK times of QoS 1 readings published one after another. */
  ackP90Ms: number;
  /** Readings the twin took in, per second. */
  readingsPerSec: number;
}

/** Watches the healthy console and a QoS 1 publisher for `ms`. */
async function measure(
  healthy: { seq: number }[],
  device: MqttClient,
  ms: number,
): Promise<Window> {
  const twin = running.gateway.twin;
  const start = Date.now();
  const from = healthy.length;
  const madeBefore = twin.frames!.stats.frames;
  const readingsBefore = twin.state.readingsTotal;
  const ackMs: number[] = [];
  while (Date.now() - start < ms) {
    const t0 = Date.now();
    await publish(device, 'devices/slow-probe/readings', JSON.stringify({ values: { x: 1 } }));
    ackMs.push(Date.now() - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (Date.now() - start) / 1000;
  const seqs = healthy.slice(from).map((f) => f.seq);
  ackMs.sort((a, b) => a - b);
  return {
    framesPerSec: seqs.length / seconds,
    seqs,
    made: twin.frames!.stats.frames - madeBefore,
    ackP90Ms: ackMs[Math.floor(ackMs.length * 0.9)]!,
    readingsPerSec: (twin.state.readingsTotal - readingsBefore) / seconds,
  };
}

describe('a console that stops reading', () => {
  it('gets frames skipped with bounded memory while other consoles and ingest carry on, then catches up', async () => {
    const healthySeqs: { seq: number; at: number; bytes: number }[] = [];
    const healthy = await connectClient(wsUrl(), {
      clientId: 'console-healthy',
      username: viewer.name,
      password: viewer.token,
    });
    clients.push(healthy);
    healthy.on('message', (_topic, payload) =>
      healthySeqs.push({
        seq: readFrame(payload).header.seq,
        at: Date.now(),
        bytes: payload.byteLength,
      }),
    );
    await healthy.subscribeAsync('$twin/frames', { qos: 0 });
    const stalledId = 'console-stalled';
    const stalled = await connectSlowConsole({
      wsUrl: wsUrl(),
      clientId: stalledId,
      username: viewer.name,
      token: viewer.token,
      snapshot: async () => {
        const response = await fetch(`${running.httpUrl}/api/twin/snapshot`, {
          headers: viewer.headers,
        });
        return new Uint8Array(await response.arrayBuffer());
      },
    });
    slow.push(stalled);

    const stopLoad = await startLoad();
    try {
      await expect.poll(() => stalled.seqs.length, { timeout: 20_000 }).toBeGreaterThan(5);
      const probe = await connectClient(running.mqttUrl, { clientId: 'slow-probe' });
      clients.push(probe);
      const before = await measure(healthySeqs, probe, 4000);
      const access = running.gateway.twin.consoleAccess;
      const skippedBefore = access.stats.framesSkipped;
      stalled.stall();
      const receivedAtStall = stalled.seqs.length;

      // The stalled console's bytes pile up to the bound, then its frames are skipped.
      let maxBuffered = 0;
      const sampler = setInterval(() => {
        maxBuffered = Math.max(maxBuffered, bufferedFor(stalledId));
      }, 50);
      try {
        await expect
          .poll(() => access.stats.framesSkipped, { timeout: 90_000, interval: 200 })
          .toBeGreaterThan(skippedBefore + 3);

        // Meanwhile the other console gets every frame the gateway makes, at the rate it got
        // before the stall, and QoS 1 readings are acknowledged as fast as before.
        const skippedAtStart = access.stats.framesSkipped;
        const during = await measure(healthySeqs, probe, 4000);
        expect(during.seqs.length).toBeGreaterThan(0);
        for (let i = 1; i < during.seqs.length; i++)
          expect(during.seqs[i]).toBe(during.seqs[i - 1]! + 1);
        expect(Math.abs(during.seqs.length - during.made)).toBeLessThanOrEqual(2);
        // The machine is shared and the gateway runs in this process beside the load: rates are
        // compared with the same run's before the stall, with room for that noise.
        expect(during.framesPerSec).toBeGreaterThan(before.framesPerSec * 0.4);
        expect(during.ackP90Ms).toBeLessThan(Math.max(2000, before.ackP90Ms * 3));
        expect(during.readingsPerSec).toBeGreaterThan(before.readingsPerSec * 0.4);
        expect(access.stats.framesSkipped).toBeGreaterThan(skippedAtStart);
        // Nothing reached the stalled console's handler while it was stalled but what was
        // already on its way.
        expect(stalled.seqs.length - receivedAtStall).toBeLessThan(5);
      } finally {
        clearInterval(sampler);
      }
      const largestFrame = Math.max(...healthySeqs.map((f) => f.bytes));
      expect(maxBuffered).toBeGreaterThan(0);
      expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + 2 * largestFrame);

      // Reading again: the backlog drains, the gap brings a snapshot, frames follow it.
      stalled.resume();
      await expect.poll(() => stalled.snapshots.length, { timeout: 30_000 }).toBeGreaterThan(0);
      await expect
        .poll(() => healthySeqs.at(-1)!.seq - stalled.lastSeq, { timeout: 30_000 })
        .toBeLessThanOrEqual(1);
      // Live frames follow the snapshot one by one again.
      const afterSnapshot = () =>
        stalled.seqs.slice(stalled.seqs.lastIndexOf(stalled.snapshots.at(-1)!) + 1);
      await expect.poll(() => afterSnapshot().length, { timeout: 30_000 }).toBeGreaterThan(3);
      const live = afterSnapshot().filter((seq) => seq > stalled.snapshots.at(-1)!);
      for (let i = 1; i < live.length; i++) expect(live[i]).toBe(live[i - 1]! + 1);
    } finally {
      await stopLoad();
    }
  }, 180_000);
});
