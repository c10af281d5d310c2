import { LAYERS } from '@sensegrid/twin';

/** Devices per sensing layer, in the order of LAYERS; devices of unknown layers are left out. */
export function countByLayer(
  devices: readonly { layer?: string }[],
): { name: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const device of devices) {
    if (device.layer) counts.set(device.layer, (counts.get(device.layer) ?? 0) + 1);
  }
  return LAYERS.map((layer) => ({ name: layer.name, count: counts.get(layer.id) ?? 0 }));
}
