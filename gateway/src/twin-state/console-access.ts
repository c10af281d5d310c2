import type { Writable } from 'node:stream';
import type { AedesPublishPacket, Client, Subscription } from 'aedes';

/** Topics under this prefix are the console's: only the gateway publishes there. */
export const TWIN_TOPIC_PREFIX = '$twin/';
/** Coalesced frames of the live twin (binary, see `encodeFrame` in @sensegrid/twin). */
export const FRAMES_TOPIC = '$twin/frames';
/** Client ids of consoles start with this. */
export const CONSOLE_CLIENT_PREFIX = 'console-';

export interface ConsoleAccessOptions {
  /**
   * A console whose socket holds more than this many unsent bytes skips frames until it
   * catches up (it then reloads a snapshot). 1 MiB by default.
   */
  maxBufferedBytes?: number;
}

/**
 * The broker's policy for consoles: a browser connecting over WebSocket with a client id
 * starting `console-` is admitted without credentials, may only subscribe under `$twin/`
 * and may not publish. Nobody but the gateway publishes under `$twin/`. A console that
 * cannot keep up gets fewer frames instead of a growing queue.
 */
export interface ConsoleAccess {
  isConsole(client: Client | null): boolean;
  /** Undefined to let the guard decide; otherwise the subscription (or null to refuse). */
  subscription(client: Client, subscription: Subscription): Subscription | null | undefined;
  /** A reason to refuse a client's publish, or undefined. */
  refusePublish(client: Client, topic: string): string | undefined;
  /** The packet to deliver to `client`, or null to skip it for this client. */
  forward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null;
  readonly stats: { framesSkipped: number };
}

export function createConsoleAccess(options: ConsoleAccessOptions = {}): ConsoleAccess {
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const stats = { framesSkipped: 0 };
  const isConsole = (client: Client | null) =>
    client !== null && client.req !== undefined && client.id.startsWith(CONSOLE_CLIENT_PREFIX);
  return {
    isConsole,
    subscription(client, subscription) {
      if (!isConsole(client)) return undefined;
      return subscription.topic.startsWith(TWIN_TOPIC_PREFIX) ? subscription : null;
    },
    refusePublish(client, topic) {
      if (topic.startsWith(TWIN_TOPIC_PREFIX))
        return `only the gateway publishes under ${TWIN_TOPIC_PREFIX}`;
      if (isConsole(client)) return 'a console is read-only';
      return undefined;
    },
    forward(client, packet) {
      if (!packet.topic.startsWith(TWIN_TOPIC_PREFIX)) return packet;
      const conn = (client as Client & { conn?: Writable }).conn;
      if (conn && conn.writableLength > maxBufferedBytes) {
        stats.framesSkipped++;
        return null;
      }
      return packet;
    },
    stats,
  };
}
