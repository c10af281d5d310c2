import { isDeviceId } from '@sensegrid/twin';

export type DeviceTopicKind = 'readings' | 'status' | 'meta' | 'commands';

/** A topic of the form `devices/<deviceId>/<kind>`. */
export interface DeviceTopic {
  device: string;
  kind: DeviceTopicKind;
}

const KINDS = new Set<string>(['readings', 'status', 'meta', 'commands']);

/** Parses `devices/<deviceId>/<kind>`; undefined for any other topic. */
export function parseDeviceTopic(topic: string): DeviceTopic | undefined {
  if (!topic.startsWith('devices/')) return undefined;
  const rest = topic.slice(8);
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const device = rest.slice(0, slash);
  const kind = rest.slice(slash + 1);
  if (!KINDS.has(kind) || !isDeviceId(device)) return undefined;
  return { device, kind: kind as DeviceTopicKind };
}
