import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { createGridCity } from '@sensegrid/twin';
import { startTestBroker } from '../test/broker.ts';
import type { TestBroker } from '../test/broker.ts';
import { startSubscriber } from '../test/subscriber.ts';
import type { TestSubscriber } from '../test/subscriber.ts';
import { startTcpLink } from '../test/tcp-link.ts';
import type { TcpLink } from '../test/tcp-link.ts';
import { sleep, waitFor } from '../test/wait.ts';
import { SimDevice } from './device.ts';
import type { SimDeviceOptions } from './device.ts';

const [device] = createGridCity({ seed: 3, devices: 1 }).devices;
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('SimDevice', () => {
  let broker: TestBroker;
  let subscriber: TestSubscriber;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    broker = await startTestBroker();
    subscriber = await startSubscriber(broker.url, ['devices/+/readings', 'devices/+/status']);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await subscriber.close();
    await broker.close();
  });

  const startDevice = async (options: Partial<SimDeviceOptions> & { url: string }) => {
    const sim = new SimDevice({ device: device!, seed: 1, gapRate: 0, ...options });
    cleanups.push(() => sim.stop(2000));
    await sim.start();
    return sim;
  };

  const link = async (): Promise<TcpLink> => {
    const l = await startTcpLink(broker.port);
    cleanups.push(() => l.close());
    return l;
  };

  it('buffers up to its limit while offline, drops and counts the oldest, and flushes the rest on reconnect', async () => {
    const relay = await link();
    const sim = await startDevice({
      url: relay.url,
      intervalMs: 20,
      bufferLimit: 10,
      reconnectPeriodMs: 50,
    });
    await waitFor('a few acknowledged readings', () => sim.stats().acked >= 5);

    relay.cut();
    await waitFor('the device to notice', () => !sim.connected);
    const offlineAt = sim.stats();
    let mostBuffered = 0;
    await waitFor('readings dropped from the full buffer', () => {
      mostBuffered = Math.max(mostBuffered, sim.stats().buffered);
      return sim.stats().dropped >= 10;
    });
    expect(mostBuffered).toBe(10);
    expect(sim.stats().sent).toBe(offlineAt.sent);

    const atRestore = sim.stats();
    const lastKept = atRestore.sent + atRestore.dropped + atRestore.buffered;
    relay.restore();
    await waitFor('the reconnect', () => sim.connected);
    await waitFor('every kept reading to be acknowledged', () => {
      const { acked, dropped } = sim.seqs();
      const settled = new Set([...acked, ...dropped]);
      return range(1, lastKept).every((seq) => settled.has(seq));
    });
    await sim.stop(2000);

    const stats = sim.stats();
    const seqs = sim.seqs();
    expect(stats.dropped).toBe(seqs.dropped.length);
    expect(stats.connects).toBeGreaterThanOrEqual(2);
    // The dropped readings are the oldest of the outage: one unbroken run of seqs.
    const [first, last] = [seqs.dropped[0]!, seqs.dropped.at(-1)!];
    expect(seqs.dropped).toEqual(range(first, last));
    // Every reading was either handed to the client or dropped, never both, never neither.
    const produced = [...seqs.sent, ...seqs.dropped].sort((a, b) => a - b);
    expect(produced).toEqual(range(1, produced.length));
    // The ten readings buffered at the reconnect, and everything acknowledged, reached the broker.
    const received = new Set(subscriber.seqsByDevice().get(sim.id));
    expect(range(last + 1, last + 10).filter((seq) => !received.has(seq))).toEqual([]);
    expect(seqs.acked.filter((seq) => !received.has(seq))).toEqual([]);
  });

  it('publishes its will as retained offline when the connection drops, and online again after', async () => {
    const relay = await link();
    const sim = await startDevice({ url: relay.url, intervalMs: 1000, reconnectPeriodMs: 50 });
    const status = `devices/${sim.id}/status`;
    await waitFor('online', () => subscriber.latest.get(status) === 'online');
    relay.cut();
    await waitFor('the will', () => subscriber.latest.get(status) === 'offline');
    relay.restore();
    await waitFor('online again', () => subscriber.latest.get(status) === 'online');
  });

  it('changes its reporting rate when the gateway sends an interval_ms command', async () => {
    const sim = await startDevice({ url: broker.url, intervalMs: 1000 });
    await waitFor('the first reading', () => sim.stats().acked >= 1);
    const gateway = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => gateway.endAsync());
    const commands = `devices/${sim.id}/commands`;

    await gateway.publishAsync(commands, 'not json', { qos: 1 });
    await gateway.publishAsync(commands, JSON.stringify({ interval_ms: 50 }), { qos: 1 });
    await waitFor('the new interval', () => sim.intervalMs === 50);
    const before = sim.stats().sent;
    await sleep(1000);
    const perSecond = sim.stats().sent - before;
    expect(perSecond).toBeGreaterThanOrEqual(12);
    expect(perSecond).toBeLessThanOrEqual(25);
    expect(sim.stats().rejectedCommands).toBe(1);
  });

  it('sends a batch of readings as one JSON array', async () => {
    const sim = await startDevice({ url: broker.url, intervalMs: 20, batch: 5 });
    await waitFor('two batches', () => sim.stats().acked >= 10);
    await sim.stop(2000);
    const seqs = subscriber.seqsByDevice().get(sim.id)!;
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(sim.stats().acked).toBe(seqs.length);
  });

  it('connects with its device id as username when given a password', async () => {
    const seen: Array<{ id: string; username: string | undefined }> = [];
    broker.broker.authenticate = (client, username, password, done) => {
      seen.push({ id: client.id, username });
      done(null, password?.toString() === 's3cret');
    };
    const sim = await startDevice({ url: broker.url, password: 's3cret' });
    expect(sim.connected).toBe(true);
    expect(seen).toEqual([{ id: sim.id, username: sim.id }]);
  });
});
