import { connect } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

let running: RunningGateway;
let port: number;
beforeAll(async () => {
  running = await startGateway({ maxPacketBytes: 64 * 1024 });
  port = Number(new URL(running.mqttUrl).port);
});
afterAll(async () => {
  await running.dispose();
});

const CONNECT = mqttPacket.generate({
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 4,
  clientId: 'attacker',
  clean: true,
  keepalive: 30,
});

/** Connects, sends the bytes after the CONNACK, and resolves when the gateway closes the socket. */
function sendAndAwaitClose(bytes: Buffer, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, timeoutMs);
    socket.on('error', () => undefined);
    socket.once('data', () => socket.write(bytes));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.write(CONNECT);
  });
}

/** A well-behaved device publishing while `attack` runs; returns the seqs acknowledged. */
async function whileDevicePublishes(
  device: string,
  attack: () => Promise<void>,
): Promise<number[]> {
  const client = await connectClient(running.mqttUrl, { clientId: device });
  const acked: number[] = [];
  let seq = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const s = ++seq;
      await publish(
        client,
        `devices/${device}/readings`,
        JSON.stringify({ seq: s, values: { pm25: s } }),
      );
      acked.push(s);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await attack();
  stop = true;
  await loop;
  await client.endAsync();
  return acked;
}

async function expectAllStored(device: string, acked: number[]) {
  await expect.poll(() => running.gateway.wal.stats().pendingReadings, { timeout: 10_000 }).toBe(0);
  const stored = await running.gateway.store.scan(device, 0, Date.now() + 60_000);
  expect(stored.map((reading) => reading.seq)).toEqual(acked);
}

describe('bad packets close only their own connection', () => {
  it.each([
    ['a packet announcing 256 MB', Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f, 0, 1, 0x61])],
    [
      'a publish over the packet size limit',
      mqttPacket.generate({
        cmd: 'publish',
        topic: 'devices/attacker/readings',
        payload: Buffer.alloc(70 * 1024, 0x20),
        qos: 0,
        retain: false,
        dup: false,
      }),
    ],
    ['a publish with QoS 3', Buffer.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01])],
    ['a publish with # in its topic', Buffer.from([0x30, 0x05, 0x00, 0x03, 0x61, 0x2f, 0x23])],
    ['a topic of invalid UTF-8', Buffer.from([0x30, 0x05, 0x00, 0x03, 0x61, 0xc3, 0x28])],
    ['a malformed DISCONNECT', Buffer.from([0xe0, 0x02, 0x00, 0x00])],
    ['a remaining length over four bytes', Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01])],
  ])('%s is refused while a device’s readings are all stored', async (_name, bytes) => {
    const device = `good-${Math.random().toString(36).slice(2, 8)}`;
    let closed = false;
    const acked = await whileDevicePublishes(device, async () => {
      closed = await sendAndAwaitClose(bytes);
    });
    expect(closed).toBe(true);
    expect(acked.length).toBeGreaterThan(0);
    await expectAllStored(device, acked);
  });

  it('counts connections closed for oversized packets in /metrics', async () => {
    await sendAndAwaitClose(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]));
    const metrics = await (await fetch(`${running.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /sensegrid_mqtt_connections_dropped_total\{reason="packet_too_large"\} [1-9]/,
    );
  });

  it('closes a connection publishing a 65,535-byte topic', async () => {
    const packet = mqttPacket.generate({
      cmd: 'publish',
      topic: 'a'.repeat(65_535),
      payload: 'x',
      qos: 0,
      retain: false,
      dup: false,
    });
    expect(await sendAndAwaitClose(packet)).toBe(true);
  });

  it('closes a connection publishing a 101-level topic', async () => {
    const topic = Array.from({ length: 101 }, () => 'a').join('/');
    const packet = mqttPacket.generate({
      cmd: 'publish',
      topic,
      payload: 'x',
      qos: 0,
      retain: false,
      dup: false,
    });
    expect(await sendAndAwaitClose(packet)).toBe(true);
  });
});

describe('idle connections', () => {
  it('closes 2,000 idle half-open sockets after the connect timeout while a device publishes', async () => {
    const idle = await startGateway({ connectTimeoutMs: 1000, connectsPerSecPerAddress: 0 });
    try {
      const port = Number(new URL(idle.mqttUrl).port);
      // Each socket's close is awaited from its creation: some close before the last connects.
      const closedAll = Promise.all(
        Array.from(
          { length: 2000 },
          () =>
            new Promise<void>((resolve) => {
              const socket = connect(port, '127.0.0.1');
              socket.on('error', () => undefined);
              socket.on('close', () => resolve());
            }),
        ),
      );
      const device = await connectClient(idle.mqttUrl, { clientId: 'busy-0001' });
      for (let seq = 1; seq <= 20; seq++) {
        await publish(
          device,
          'devices/busy-0001/readings',
          JSON.stringify({ seq, values: { x: seq } }),
        );
      }
      await device.endAsync();
      await closedAll;
      await expect.poll(() => idle.gateway.wal.stats().pendingReadings).toBe(0);
      const stored = await idle.gateway.store.scan('busy-0001', 0, Date.now() + 60_000);
      expect(stored).toHaveLength(20);
    } finally {
      await idle.dispose();
    }
  }, 60_000);
});

describe('keep-alive bounds', () => {
  /** Connects raw with `keepalive` seconds; resolves with the CONNACK return code (or 'closed'). */
  function connackFor(keepalive: number, clientId: string): Promise<number | 'closed'> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      parser.on('packet', (packet) => {
        if (packet.cmd === 'connack') resolve((packet as { returnCode: number }).returnCode);
        socket.destroy();
      });
      socket.on('data', (data) => parser.parse(data));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve('closed'));
      socket.write(
        mqttPacket.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clientId,
          clean: true,
          keepalive,
        }),
      );
    });
  }

  it('refuses a keep-alive above the maximum while a device publishes', async () => {
    let code: number | 'closed' | undefined;
    const acked = await whileDevicePublishes('keepalive-0001', async () => {
      code = await connackFor(7200, 'sleepy-0001');
    });
    expect(code).toBe(2);
    expect(await connackFor(60, 'awake-0001')).toBe(0);
    await expectAllStored('keepalive-0001', acked);
    const metrics = await (await fetch(`${running.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/sensegrid_mqtt_connections_dropped_total\{reason="keepalive"\} 1/);
  });

  it('holds a client asking for keep-alive 0 to the maximum', async () => {
    const bounded = await startGateway({ maxKeepaliveSeconds: 1 });
    try {
      const client = await connectClient(bounded.mqttUrl, {
        clientId: 'never-0001',
        keepalive: 0,
        reconnectPeriod: 0,
      });
      const started = Date.now();
      // No pings and nothing sent: dropped after 1.5 x the maximum, not kept for ever.
      await new Promise((resolve) => client.stream.once('close', resolve));
      expect(Date.now() - started).toBeLessThan(5000);
      await client.endAsync(true);
    } finally {
      await bounded.dispose();
    }
  });
});
