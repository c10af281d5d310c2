import { connect } from 'node:net';
import mqttPacket from 'mqtt-packet';

const { generate, parser: createParser } = mqttPacket;

/**
 * An MQTT 3.1.1 publisher on a raw socket, for what mqtt.js will not send on request: a QoS 1
 * PUBLISH resent with the same packet id and the DUP flag, as a device does after a lost PUBACK.
 */
export interface RawPublisher {
  /** Sends one QoS 1 PUBLISH; `dup` marks it as a retransmission of `messageId`. */
  publish(topic: string, payload: string, messageId: number, dup?: boolean): void;
  /** Resolves once `count` PUBACKs in all have arrived. */
  acked(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function connectRawPublisher(port: number, clientId: string): Promise<RawPublisher> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const parser = createParser({ protocolVersion: 4 });
  let pubacks = 0;
  let wake: (() => void) | undefined;
  const connected = new Promise<void>((resolve, reject) => {
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connack') {
        if (packet.returnCode === 0) resolve();
        else reject(new Error(`CONNACK ${packet.returnCode}`));
      } else if (packet.cmd === 'puback') {
        pubacks++;
        wake?.();
      }
    });
  });
  socket.on('data', (chunk: Buffer) => parser.parse(chunk));
  socket.write(
    generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId,
      keepalive: 60,
    }),
  );
  await connected;
  return {
    publish(topic, payload, messageId, dup = false) {
      socket.write(
        generate({
          cmd: 'publish',
          topic,
          payload: Buffer.from(payload),
          qos: 1,
          dup,
          retain: false,
          messageId,
        }),
      );
    },
    async acked(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (pubacks < count) {
        if (Date.now() > deadline) throw new Error(`${pubacks} of ${count} PUBACKs arrived`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    close: () =>
      new Promise((resolve) => {
        socket.end(generate({ cmd: 'disconnect' }), () => resolve());
      }),
  };
}
