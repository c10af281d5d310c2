import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

const { generate, parser: createParser } = mqttPacket;

/**
 * A minimal MQTT 3.1.1 client on a raw socket, so that the client side costs as little as
 * possible in a benchmark: QoS 1 publishes with a window of unacknowledged packets, and the
 * time of every PUBACK.
 */
export class RawClient {
  private readonly socket: Socket;
  private readonly sentAt = new Map<number, number>();
  private nextId = 1;
  private waitingForWindow: (() => void) | undefined;
  private onConnack: (() => void) | undefined;
  private onSuback: (() => void) | undefined;
  readonly latenciesMs: number[] = [];
  received = 0;
  onMessage: ((count: number) => void) | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    const parser = createParser({ protocolVersion: 4 });
    parser.on('packet', (packet) => this.handle(packet));
    socket.on('data', (chunk) => parser.parse(chunk));
  }

  static async connect(port: number, clientId: string): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawClient(socket);
    await new Promise<void>((resolve) => {
      client.onConnack = resolve;
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
    });
    return client;
  }

  private handle(packet: mqttPacket.Packet): void {
    switch (packet.cmd) {
      case 'connack':
        this.onConnack?.();
        break;
      case 'suback':
        this.onSuback?.();
        break;
      case 'puback': {
        const sent = this.sentAt.get(packet.messageId!);
        if (sent !== undefined) {
          this.latenciesMs.push(performance.now() - sent);
          this.sentAt.delete(packet.messageId!);
        }
        const wake = this.waitingForWindow;
        this.waitingForWindow = undefined;
        wake?.();
        break;
      }
      case 'publish':
        this.received++;
        if (packet.qos === 1)
          this.socket.write(generate({ cmd: 'puback', messageId: packet.messageId! }));
        this.onMessage?.(this.received);
        break;
      default:
    }
  }

  async subscribe(topic: string, qos: 0 | 1): Promise<void> {
    await new Promise<void>((resolve) => {
      this.onSuback = resolve;
      this.socket.write(
        generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos }] }),
      );
    });
  }

  /** Publishes at QoS 1, waiting while `window` publishes are unacknowledged. */
  async publish(topic: string, payload: Buffer, window: number): Promise<void> {
    while (this.sentAt.size >= window) {
      await new Promise<void>((resolve) => (this.waitingForWindow = resolve));
    }
    const messageId = this.nextId;
    this.nextId = this.nextId === 65535 ? 1 : this.nextId + 1;
    this.sentAt.set(messageId, performance.now());
    const ok = this.socket.write(
      generate({ cmd: 'publish', topic, payload, qos: 1, messageId, retain: false, dup: false }),
    );
    if (!ok) await new Promise((resolve) => this.socket.once('drain', resolve));
  }

  /** Resolves once every publish has been acknowledged. */
  async settle(): Promise<void> {
    while (this.sentAt.size > 0) {
      await new Promise<void>((resolve) => (this.waitingForWindow = resolve));
    }
  }

  close(): void {
    this.socket.end(generate({ cmd: 'disconnect' }));
  }
}
