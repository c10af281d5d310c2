import { connect } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './gateway-harness.ts';

let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.dispose();
  running = undefined;
});

/** Sends raw packets on a fresh socket and collects what comes back until `until` says so. */
async function exchange(
  port: number,
  packets: (Packet | Buffer)[],
  until: (seen: Packet[]) => boolean,
) {
  const socket = connect(port, '127.0.0.1');
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const seen: Packet[] = [];
  let closed = false;
  const done = new Promise<void>((resolve) => {
    parser.on('packet', (packet) => {
      seen.push(packet);
      if (until(seen)) resolve();
    });
    socket.on('close', () => {
      closed = true;
      resolve();
    });
  });
  socket.on('data', (chunk) => parser.parse(chunk));
  socket.on('error', () => undefined); // a refused connection may be reset; `seen` tells
  const [first, ...rest] = packets.map((p) => (Buffer.isBuffer(p) ? p : mqttPacket.generate(p)));
  socket.write(first!);
  parser.once('packet', () => {
    for (const packet of rest) socket.write(packet); // after the CONNACK
  });
  await done;
  const stillOpen = !closed;
  socket.destroy();
  return { seen, stillOpen };
}

const connectPacket = (clientId: string, clean: boolean): Packet => ({
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 4,
  clientId,
  clean,
  keepalive: 30,
});

describe('MQTT 3.1.1 conformance the interoperability suite checks', () => {
  it('refuses a zero-length client id without a clean session and accepts it with one', async () => {
    running = await startGateway();
    const port = Number(new URL(running.mqttUrl).port);
    // mqtt.js and mqtt-packet will not even send this, so the bytes are written out.
    const emptyIdPersistent = Buffer.from([
      0x10, 12, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0b0000_0000, 0, 30, 0, 0,
    ]);
    const refused = await exchange(port, [emptyIdPersistent], (seen) => seen.length >= 1);
    expect(refused.seen[0]).toMatchObject({ cmd: 'connack', returnCode: 2 }); // MQTT-3.1.3-8
    const accepted = await exchange(port, [connectPacket('', true)], (seen) => seen.length >= 1);
    expect(accepted.seen[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
  });

  it('answers a subscription to a denied filter with 0x80 and keeps the connection', async () => {
    running = await startGateway({ denySubscribe: 'test/nosubscribe, secret/#' });
    const port = Number(new URL(running.mqttUrl).port);
    const subscribe: Packet = {
      cmd: 'subscribe',
      messageId: 7,
      subscriptions: [
        { topic: 'test/nosubscribe', qos: 1 },
        { topic: 'secret/a', qos: 1 },
        { topic: 'open/topic', qos: 1 },
      ],
    };
    const result = await exchange(
      port,
      [connectPacket('subscriber', true), subscribe, { cmd: 'pingreq' }],
      (seen) => seen.some((packet) => packet.cmd === 'pingresp'),
    );
    const suback = result.seen.find((packet) => packet.cmd === 'suback');
    expect(suback).toMatchObject({ messageId: 7, granted: [128, 128, 1] });
    expect(result.stillOpen).toBe(true);
  });
});
