import { connect } from 'node:net';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './gateway-harness.ts';

const CLIENTS = 4;
const PER_CLIENT = 100_000;

let running: RunningGateway;
beforeAll(async () => {
  // Per-device rate limits off: this is about surviving the flood, not throttling it.
  running = await startGateway({ deviceMessagesPerSec: 0, deviceBytesPerSec: 0 });
});
afterAll(async () => {
  await running.dispose();
});

/** A subscriber to everything that reads its socket only now and then. */
function slowSubscriber(port: number) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clientId: 'slow-reader',
      clean: true,
      keepalive: 120,
    }),
  );
  socket.write(
    mqttPacket.generate({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: '#', qos: 0 }],
    }),
  );
  socket.on('data', () => {
    socket.pause();
    setTimeout(() => socket.resume(), 50);
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, closed };
}

describe('a QoS 0 flood with a slow subscriber', () => {
  it('400,000 publishes from four clients are all stored and the gateway stays up', async () => {
    const port = Number(new URL(running.mqttUrl).port);
    const subscriber = slowSubscriber(port);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        mqtt.connectAsync(running.mqttUrl, { clientId: `flood-${i}`, reconnectPeriod: 0 }),
      ),
    );
    await Promise.all(
      clients.map(async (client, i) => {
        for (let n = 1; n <= PER_CLIENT; n++) {
          client.publish(`devices/flood-${i}/readings`, `{"seq":${n},"values":{"x":${n}}}`, {
            qos: 0,
          });
          if (n % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        await client.endAsync();
      }),
    );

    await expect
      .poll(() => running.gateway.stats().readingsStored, { timeout: 60_000, interval: 200 })
      .toBe(CLIENTS * PER_CLIENT);
    const health = (await (await fetch(`${running.httpUrl}/api/health`)).json()) as {
      status: string;
    };
    expect(health.status).toBe('ok');
    for (let i = 0; i < CLIENTS; i++) {
      const stored = await running.gateway.store.scan(`flood-${i}`, 0, Date.now() + 86_400_000);
      expect(stored.length, `flood-${i}`).toBe(PER_CLIENT);
      expect(new Set(stored.map((reading) => reading.seq)).size).toBe(PER_CLIENT);
    }
    subscriber.socket.destroy();
    await subscriber.closed;
  }, 180_000);
});
