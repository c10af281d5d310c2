import type { TLSSocket } from 'node:tls';
import type { Client, Subscription } from 'aedes';
import { parseDeviceTopic, type DeviceTopic } from '../ingest/topics.ts';
import type { CredentialStore } from './credentials.ts';

export interface GuardOptions {
  allowAnonymous: boolean;
  /** Provisioned devices; without it only anonymous access (when allowed) exists. */
  credentials?: CredentialStore;
  /** Topic filters nobody may subscribe to: `a/b` exactly, `a/#` for the subtree. */
  denySubscribe?: readonly string[];
  /** Signs consoles in (WebSocket clients with a `console-` id); they never log in as devices. */
  console?: {
    claims(client: Client): boolean;
    authenticate(client: Client, username?: string, password?: Buffer): Promise<AuthResult>;
  };
}

export type PublishDecision =
  { allow: true; device?: DeviceTopic } | { allow: false; reason: string };

/** CONNACK return codes the guard uses (MQTT 3.1.1, 3.2.2.3). */
export type RefusalCode = 2 | 4 | 5;

export type AuthResult = { ok: true } | { ok: false; code: RefusalCode; reason: string };

/**
 * Who may connect and what they may do. A device that logs in (username = its id, client id
 * = its id, its secret as password) may publish only under `devices/<itsId>/` and subscribe
 * only to `devices/<itsId>/commands`. Anonymous clients, when allowed, are not tied to a
 * device.
 */
export interface Guard {
  authenticate(client: Client, username?: string, password?: Buffer): Promise<AuthResult>;
  /** The device a client logged in as, if any. */
  deviceOf(client: Client): string | undefined;
  authorizePublish(client: Client, topic: string): PublishDecision;
  authorizeSubscribe(client: Client, subscription: Subscription): Subscription | null;
}

/** Topics this long are no sensor's: refused before they reach the router. */
export const MAX_TOPIC_CHARS = 1024;

export function createGuard(options: GuardOptions): Guard {
  const devices = new WeakMap<Client, string>();
  return {
    async authenticate(client, username, password) {
      if (options.console?.claims(client)) {
        return options.console.authenticate(client, username, password);
      }
      const certified = certificateIdentity(client);
      if (certified !== undefined) {
        if (certified !== client.id) {
          return { ok: false, code: 2, reason: 'the client id must be the certificate CN' };
        }
        if (options.credentials?.get(certified)?.revokedAt) {
          return { ok: false, code: 5, reason: 'the device is revoked' };
        }
        devices.set(client, certified);
        return { ok: true };
      }
      if (username === undefined || username === '') {
        return options.allowAnonymous
          ? { ok: true }
          : { ok: false, code: 5, reason: 'anonymous clients are refused (--allow-anonymous)' };
      }
      if (client.id !== username) {
        return { ok: false, code: 2, reason: 'the client id must be the device id' };
      }
      const secret = password?.toString('utf8') ?? '';
      if (!options.credentials || !(await options.credentials.verify(username, secret))) {
        return { ok: false, code: 4, reason: 'unknown device or wrong secret' };
      }
      devices.set(client, username);
      return { ok: true };
    },
    deviceOf(client) {
      return devices.get(client);
    },
    authorizePublish(client, topic) {
      if (!isWellFormedTopic(topic)) {
        return { allow: false, reason: 'the topic is not well-formed UTF-8 (MQTT-1.5.3-1)' };
      }
      if (topic.length > MAX_TOPIC_CHARS) {
        return { allow: false, reason: `the topic is longer than ${MAX_TOPIC_CHARS} characters` };
      }
      if (topic.startsWith('$SYS')) {
        return { allow: false, reason: 'publishing to $SYS is refused' };
      }
      const own = devices.get(client);
      if (own !== undefined) {
        const device = parseDeviceTopic(topic);
        if (!device || device.device !== own || device.kind === 'commands') {
          return { allow: false, reason: `device ${own} may publish only under devices/${own}/` };
        }
        return { allow: true, device };
      }
      if (topic.startsWith('devices/')) {
        const device = parseDeviceTopic(topic);
        if (!device) {
          return {
            allow: false,
            reason: `topic ${topic.slice(0, 200)} is not devices/<deviceId>/(readings|status|meta|commands)`,
          };
        }
        return { allow: true, device };
      }
      return { allow: true };
    },
    authorizeSubscribe(client, subscription) {
      if (!isWellFormedTopic(subscription.topic)) return null;
      if (subscription.topic.length > MAX_TOPIC_CHARS) return null;
      const own = devices.get(client);
      if (own !== undefined) {
        return subscription.topic === `devices/${own}/commands` ? subscription : null;
      }
      return isDenied(subscription.topic, options.denySubscribe ?? []) ? null : subscription;
    },
  };
}

function isDenied(filter: string, denied: readonly string[]): boolean {
  return denied.some((entry) =>
    entry.endsWith('/#')
      ? filter === entry || filter.startsWith(entry.slice(0, -1)) || filter === entry.slice(0, -2)
      : filter === entry,
  );
}

/**
 * The parser decodes invalid UTF-8 to U+FFFD; U+0000 is not allowed either (MQTT-1.5.3-1, -2).
 */
function isWellFormedTopic(topic: string): boolean {
  return !topic.includes('\uFFFD') && !topic.includes('\u0000');
}

/** The device id a verified client certificate names (its CN), for mutual TLS. */
function certificateIdentity(client: Client): string | undefined {
  const socket = client.conn as Partial<TLSSocket>;
  if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cn = socket.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : undefined;
}
