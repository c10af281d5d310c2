import type { Writable } from 'node:stream';
import type { AedesPublishPacket, Client, Subscription } from 'aedes';
import type { Operator } from '../auth/roles.ts';

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

/** Who a console signed in as, and the token it signed in with (none for a guest). */
export interface ConsoleSession {
  operator: Operator;
  token?: string;
}

/**
 * The broker's policy for consoles: a browser connecting over WebSocket with a client id
 * starting `console-` signs in with its user name and a token (see auth/console-login.ts),
 * may not publish, and may only subscribe under `$twin/` (an admin also under `devices/`).
 * Nobody but the gateway publishes under `$twin/`. A console that cannot keep up gets fewer
 * frames instead of a growing queue.
 */
export interface ConsoleAccess {
  /** A WebSocket client whose id starts `console-`: it must sign in as a console. */
  isConsoleConnection(client: Client | null): boolean;
  /** Lets a console that signed in use the `$twin/` topics. */
  admit(client: Client, session: ConsoleSession): void;
  /** True for an admitted console. */
  isConsole(client: Client | null): boolean;
  /** The admitted consoles still connected. */
  sessions(): [Client, ConsoleSession][];
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
  const admitted = new Map<Client, ConsoleSession>();
  const isConsole = (client: Client | null) => client !== null && admitted.has(client);
  return {
    isConsoleConnection: (client) =>
      client !== null && client.req !== undefined && client.id.startsWith(CONSOLE_CLIENT_PREFIX),
    admit(client, session) {
      admitted.set(client, session);
    },
    isConsole,
    sessions() {
      for (const client of admitted.keys()) if (client.closed) admitted.delete(client);
      return [...admitted];
    },
    subscription(client, subscription) {
      const session = admitted.get(client);
      if (!session) return undefined;
      if (subscription.topic.startsWith(TWIN_TOPIC_PREFIX)) return subscription;
      // Only an admin may watch the devices' own traffic (`devices/#`).
      const devices = subscription.topic.startsWith('devices/');
      return devices && session.operator.role === 'admin' ? subscription : null;
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
