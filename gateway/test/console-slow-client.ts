import mqttPacket from 'mqtt-packet';
import WebSocket from 'ws';
import { readFrame } from '@sensegrid/twin';

const { generate, parser: createParser } = mqttPacket;

/**
 * A console that can stop reading: MQTT over a real WebSocket (the `ws` client), signed in
 * with a user's token, subscribed to `$twin/frames`. `stall` pauses its TCP socket, so the
 * kernel's buffers fill and the gateway's writes back up, as with a frozen browser tab.
 */
export interface SlowConsole {
  /** Frame seqs in the order received (snapshots fetched on a gap included). */
  readonly seqs: number[];
  /** Seqs of the snapshots fetched after a gap. */
  readonly snapshots: number[];
  readonly lastSeq: number;
  stall(): void;
  resume(): void;
  close(): void;
}

export interface SlowConsoleOptions {
  wsUrl: string;
  clientId: string;
  username: string;
  token: string;
  /** Fetches `/api/twin/snapshot`, as the console does when it missed frames. */
  snapshot(): Promise<Uint8Array>;
}

export async function connectSlowConsole(options: SlowConsoleOptions): Promise<SlowConsole> {
  const ws = new WebSocket(options.wsUrl, 'mqtt');
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const seqs: number[] = [];
  const snapshots: number[] = [];
  let lastSeq = -1;
  let resyncing = false;
  const resync = async () => {
    resyncing = true;
    try {
      const seq = readFrame(await options.snapshot()).header.seq;
      snapshots.push(seq);
      seqs.push(seq);
      lastSeq = Math.max(lastSeq, seq);
    } finally {
      resyncing = false;
    }
  };
  const parser = createParser({ protocolVersion: 4 });
  const subscribed = new Promise<void>((resolve, reject) => {
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connack') {
        if (packet.returnCode !== 0) return reject(new Error(`CONNACK ${packet.returnCode}`));
        ws.send(
          generate({
            cmd: 'subscribe',
            messageId: 1,
            subscriptions: [{ topic: '$twin/frames', qos: 0 }],
          }),
        );
      } else if (packet.cmd === 'suback') resolve();
      else if (packet.cmd === 'publish') {
        const seq = readFrame(packet.payload as Buffer).header.seq;
        seqs.push(seq);
        // Like the console: a frame that does not follow the last one means frames were
        // missed; the snapshot brings the state back, later frames continue from it.
        if (seq <= lastSeq) return;
        const gap = lastSeq >= 0 && seq !== lastSeq + 1;
        lastSeq = seq;
        if (gap && !resyncing) void resync();
      }
    });
    parser.on('error', reject);
  });
  ws.on('message', (data: Buffer) => parser.parse(data));
  ws.send(
    generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: options.clientId,
      username: options.username,
      password: Buffer.from(options.token),
      // Long enough that the broker's keep-alive check is not what ends a stall.
      keepalive: 300,
    }),
  );
  await subscribed;
  return {
    seqs,
    snapshots,
    get lastSeq() {
      return lastSeq;
    },
    stall: () => ws.pause(),
    resume: () => ws.resume(),
    close: () => ws.terminate(),
  };
}
