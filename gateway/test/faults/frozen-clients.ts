import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

const { generate, parser: createParser } = mqttPacket;

/**
 * A subscriber that stops reading its socket: the kernel buffers fill, then the gateway's
 * writes to it back up. Nothing is faked: it is a real TCP connection that simply goes quiet.
 */
export interface FrozenSubscriber {
  /** Messages received before the freeze. */
  readonly received: number;
  /** Stops reading the socket. */
  freeze(): void;
  /**
   * Reads again and resolves true once the gateway has closed the connection (what was still
   * buffered is read and dropped on the way), false if it stays open for `timeoutMs`.
   */
  closedByGateway(timeoutMs: number): Promise<boolean>;
  destroy(): void;
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** CONNECT then SUBSCRIBE, resolved on SUBACK; `send` writes MQTT bytes, `feed` takes replies. */
function mqttSession(send: (bytes: Buffer) => void, clientId: string, topic: string, qos: 0 | 1) {
  const parser = createParser({ protocolVersion: 4 });
  let received = 0;
  const subscribed = new Promise<void>((resolve, reject) => {
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connack') {
        if (packet.returnCode !== 0) reject(new Error(`CONNACK ${packet.returnCode}`));
        else send(generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos }] }));
      } else if (packet.cmd === 'suback') resolve();
      else if (packet.cmd === 'publish') {
        received++;
        if (packet.qos === 1) send(generate({ cmd: 'puback', messageId: packet.messageId! }));
      }
    });
    parser.on('error', reject);
  });
  // keepalive 120 s: the broker's keep-alive check (1.5x) cannot be what drops the client.
  send(
    generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId,
      keepalive: 120,
    }),
  );
  return {
    subscribed,
    feed: (bytes: Buffer) => parser.parse(bytes),
    received: () => received,
  };
}

function frozenOver(
  socket: Socket,
  session: { received: () => number },
  stopParsing: () => void,
): FrozenSubscriber {
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => (closed = true));
  return {
    get received() {
      return session.received();
    },
    freeze() {
      stopParsing();
      socket.pause();
    },
    closedByGateway(timeoutMs) {
      if (closed) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        socket.once('end', done);
        socket.once('close', done);
        socket.on('data', () => undefined);
        socket.resume();
      });
    },
    destroy: () => socket.destroy(),
  };
}

/** An MQTT client on TCP that subscribes to `topic` and is ready to be frozen. */
export async function connectFrozenMqttSubscriber(
  port: number,
  clientId: string,
  topic: string,
  qos: 0 | 1 = 1,
): Promise<FrozenSubscriber> {
  const socket = await openSocket(port);
  const session = mqttSession((bytes) => socket.write(bytes), clientId, topic, qos);
  let parsing = true;
  socket.on('data', (chunk: Buffer) => {
    if (parsing) session.feed(chunk);
  });
  await session.subscribed;
  return frozenOver(socket, session, () => (parsing = false));
}

/** A WebSocket frame from a client: FIN, the opcode, masked as RFC 6455 section 5.3 requires. */
function clientFrame(payload: Buffer, opcode = 0x2): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | length])
      : length < 65_536
        ? Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff])
        : (() => {
            const big = Buffer.alloc(10);
            big[0] = 0x80 | opcode;
            big[1] = 0x80 | 127;
            big.writeBigUInt64BE(BigInt(length), 2);
            return big;
          })();
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}

/** Splits server frames (unmasked) out of a byte stream and hands on their payloads and pings. */
function frameReader(
  onPayload: (payload: Buffer) => void,
  onPing: (payload: Buffer) => void,
): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      let length = pending[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (pending.length < 10) return;
        length = Number(pending.readBigUInt64BE(2));
        at = 10;
      }
      if (pending.length < at + length) return;
      const opcode = pending[0]! & 0x0f;
      if (opcode === 0x2 || opcode === 0x0) onPayload(pending.subarray(at, at + length));
      else if (opcode === 0x9) onPing(pending.subarray(at, at + length));
      pending = pending.subarray(at + length);
    }
  };
}

/**
 * A console-like client: MQTT over WebSocket at `path` on the HTTP port, speaking the
 * WebSocket protocol by hand on a raw socket so that it can stop reading like a frozen tab.
 */
export async function connectFrozenWebSocketSubscriber(
  httpPort: number,
  path: string,
  clientId: string,
  topic: string,
  qos: 0 | 1 = 0,
): Promise<FrozenSubscriber> {
  const socket = await openSocket(httpPort);
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${httpPort}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
      'Sec-WebSocket-Protocol: mqtt\r\n\r\n',
  );
  const rest = await new Promise<Buffer>((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      if (!/^HTTP\/1\.1 101/.test(status))
        reject(new Error(`WebSocket upgrade refused: ${status}`));
      else resolve(head.subarray(end + 4));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
  const session = mqttSession((bytes) => socket.write(clientFrame(bytes)), clientId, topic, qos);
  let parsing = true;
  // A browser answers pings below the page's script, as long as it reads its socket.
  const read = frameReader(
    (payload) => session.feed(payload),
    (payload) => socket.write(clientFrame(Buffer.from(payload), 0xa)),
  );
  if (rest.length > 0) read(rest);
  socket.on('data', (chunk: Buffer) => {
    if (parsing) read(chunk);
  });
  await session.subscribed;
  return frozenOver(socket, session, () => (parsing = false));
}
