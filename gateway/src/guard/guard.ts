import type { Client, Subscription } from 'aedes';
import { parseDeviceTopic, type DeviceTopic } from '../ingest/topics.ts';

export interface GuardOptions {
  allowAnonymous: boolean;
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
      if (topic.startsWith('$SYS'))
        return { allow: false, reason: 'publishing to $SYS is refused' };
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
      return subscription;
    },
  };
}
