import type { TwinState } from '../twin-state/twin-state.ts';
import type { DeviceRegistry } from '../twin-state/registry.ts';
import type { PlacementOf } from './minute-rollup.ts';

/**
 * Where the history counts a device: the regions the live twin keeps statistics for (the city,
 * its district, subdistrict and grid cell, and its region in every grid system) and its layer.
 * Buildings keep counts only in the twin, so they have no history either.
 */
export function twinPlacement(twin: TwinState, registry: DeviceRegistry): PlacementOf {
  return (device) => {
    const index = twin.sensors.indexOf(device);
    if (index === undefined) return undefined;
    const sensor = twin.sensors.sensors[index]!;
    const layer = sensor.layer || registry.tags(device).layer || '';
    const regions = twin.sensors
      .nodesOf(sensor)
      .filter((node) => node.stats)
      .map((node) => node.id);
    return { layer, regions };
  };
}
