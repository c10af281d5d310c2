import { randomUUID } from 'node:crypto';
import type { ClassicLevel } from 'classic-level';
import msgpack from 'msgpack-lite';

/** How much one persistent session may hold for its client while it is away. */
export interface SessionQueueLimits {
  /** Queued QoS 1 messages per client; past it the oldest are dropped. */
  maxMessages: number;
  /** Queued payload bytes per client; past it the oldest are dropped. */
  maxBytes: number;
  /** Told of every drop (counted by the caller, logged at most once a minute per client). */
  onDropped(clientId: string, messages: number): void;
}

/** The part of aedes-persistence-level's API the bound wraps. */
export interface OutgoingQueues {
  setup(broker: unknown): Promise<void>;
  outgoingEnqueue(sub: { clientId: string }, packet: { payload?: Buffer | string }): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: unknown): Promise<unknown>;
}

interface QueueSize {
  messages: number;
  bytes: number;
  /** Set while the oldest messages are being deleted; trims of one client never overlap. */
  trimming?: Promise<void>;
}

// Key layout of aedes-persistence-level 9: `outgoing:<client>:<brokerId>:<counter>`, and
// `outgoing-id:<client>:<messageId>` for a message sent and not yet acknowledged.
const OUTGOING = 'outgoing:';
const OUTGOING_ID = 'outgoing-id:';
const clientPrefix = (clientId: string) => `${OUTGOING}${encodeURIComponent(clientId)}:`;
/** Everything under `prefix` (which ends with ':'): ';' is the next byte. */
const prefixRange = (prefix: string) => ({ gte: prefix, lt: `${prefix.slice(0, -1)};` });

/**
 * A broker id that sorts after every earlier one. aedes-persistence-level orders a client's
 * queue by `<brokerId>:<counter>`; with a random id, messages queued before a restart could
 * sort after newer ones, and "the oldest" would be a guess.
 */
export function orderedBrokerId(): string {
  return `${Date.now().toString(16).padStart(12, '0')}-${randomUUID().slice(0, 8)}`;
}

function payloadBytes(packet: { payload?: Buffer | string }): number {
  const { payload } = packet;
  if (payload === undefined) return 0;
  return typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
}

function decodePayloadBytes(value: Buffer): { bytes: number; messageId?: number } {
  const packet = msgpack.decode(value) as { payload?: Buffer | string; messageId?: number };
  return { bytes: payloadBytes(packet), messageId: packet.messageId };
}

/**
 * Bounds every client's offline queue: counts and payload bytes per client are kept in memory
 * (counted from disk at start), and an enqueue that passes a limit deletes that client's oldest
 * messages (sent-but-unacknowledged ones included) before it resolves.
 */
export function boundOutgoingQueues(
  persistence: OutgoingQueues,
  db: ClassicLevel<string, Buffer>,
  limits: SessionQueueLimits,
): void {
  const sizes = new Map<string, QueueSize>();
  const sizeOf = (clientId: string) => {
    let size = sizes.get(clientId);
    if (!size) sizes.set(clientId, (size = { messages: 0, bytes: 0 }));
    return size;
  };
  const overLimit = (size: QueueSize) =>
    size.messages > limits.maxMessages || size.bytes > limits.maxBytes;

  async function dropOldest(clientId: string, size: QueueSize): Promise<void> {
    const deletes: { type: 'del'; key: string }[] = [];
    const startMessages = size.messages;
    let messages = startMessages;
    const startBytes = size.bytes;
    let bytes = startBytes;
    const entries = db.iterator({
      ...prefixRange(clientPrefix(clientId)),
      valueEncoding: 'buffer',
    });
    try {
      for await (const [key, value] of entries) {
        if (messages <= limits.maxMessages && bytes <= limits.maxBytes) break;
        const packet = decodePayloadBytes(value);
        deletes.push({ type: 'del', key });
        if (packet.messageId) {
          const id = String(packet.messageId).padStart(16, '0');
          deletes.push({ type: 'del', key: `${OUTGOING_ID}${encodeURIComponent(clientId)}:${id}` });
        }
        messages--;
        bytes -= packet.bytes;
      }
    } finally {
      await entries.close();
    }
    if (deletes.length === 0) return;
    await db.batch(deletes);
    const dropped = startMessages - messages;
    size.messages -= dropped;
    size.bytes = Math.max(0, size.bytes - (startBytes - bytes));
    limits.onDropped(clientId, dropped);
  }

  async function trim(clientId: string, size: QueueSize): Promise<void> {
    while (size.trimming) await size.trimming;
    if (!overLimit(size)) return;
    size.trimming = dropOldest(clientId, size).finally(() => (size.trimming = undefined));
    await size.trimming;
  }

  const setup = persistence.setup.bind(persistence);
  const enqueue = persistence.outgoingEnqueue.bind(persistence);
  const clear = persistence.outgoingClearMessageId.bind(persistence);

  // aedes requires setup to be an async function (it checks the constructor's name).
  persistence.setup = async (broker: unknown) => {
    await setup(broker);
    for await (const [key, value] of db.iterator({
      ...prefixRange(OUTGOING),
      valueEncoding: 'buffer',
    })) {
      const clientId = decodeURIComponent(
        key.slice(OUTGOING.length, key.indexOf(':', OUTGOING.length)),
      );
      const size = sizeOf(clientId);
      size.messages++;
      size.bytes += decodePayloadBytes(value).bytes;
    }
  };

  persistence.outgoingEnqueue = async (sub, packet) => {
    const size = sizeOf(sub.clientId);
    const bytes = payloadBytes(packet);
    // Counted before the write lands, so a trim running meanwhile never undercounts.
    size.messages++;
    size.bytes += bytes;
    try {
      await enqueue(sub, packet);
    } catch (error) {
      size.messages--;
      size.bytes -= bytes;
      throw error;
    }
    if (overLimit(size)) await trim(sub.clientId, size);
  };

  persistence.outgoingClearMessageId = async (client, packet) => {
    const cleared = (await clear(client, packet)) as { payload?: Buffer | string } | undefined;
    if (cleared) {
      const size = sizeOf(client.id);
      size.messages = Math.max(0, size.messages - 1);
      size.bytes = Math.max(0, size.bytes - payloadBytes(cleared));
    }
    return cleared;
  };
}
