import type { Client, Subscription } from 'aedes';
import { parseDeviceTopic, type DeviceTopic } from '../ingest/topics.ts';

export interface GuardOptions {
  allowAnonymous: boolean;
  /** Topic filters nobody may subscribe to: `a/b` exactly, `a/#` for the subtree. */
  denySubscribe?: readonly string[];
}

export type PublishDecision =
  { allow: true; device?: DeviceTopic } | { allow: false; reason: string };

/**
 * Who may connect and what they may do. Device credentials and per-device topic rules plug in
 * here; without them only anonymous access (when allowed) exists.
 */
export interface Guard {
  authenticate(client: Client, username?: string, password?: Buffer): Promise<boolean>;
  authorizePublish(client: Client, topic: string): PublishDecision;
  authorizeSubscribe(client: Client, subscription: Subscription): Subscription | null;
}

export function createGuard(options: GuardOptions): Guard {
  return {
    async authenticate() {
      return options.allowAnonymous;
    },
    authorizePublish(_client, topic) {
      if (!isWellFormedTopic(topic)) {
        return { allow: false, reason: 'the topic is not well-formed UTF-8 (MQTT-1.5.3-1)' };
      }
      if (topic.startsWith('$SYS')) {
        return { allow: false, reason: 'publishing to $SYS is refused' };
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
    authorizeSubscribe(_client, subscription) {
      if (!isWellFormedTopic(subscription.topic)) return null;
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
