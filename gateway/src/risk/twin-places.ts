import type { TwinState } from '../twin-state/twin-state.ts';
import type { RiskPlace, RiskRegion } from './types.ts';

/** The grid-system id under which risks name administrative districts. */
export const DISTRICT_SYSTEM = 'district';

/**
 * Places devices for the risk analysis from the live twin: the device's layer, its district
 * and its region in every grid system. A placed device is remembered.
 */
export function placeRisks(twin: TwinState): (device: string) => RiskPlace | undefined {
  const known = new Map<string, RiskPlace>();
  const region = (system: string, id: string): RiskRegion => ({
    system,
    id,
    name: twin.regions.get(id)?.name ?? id,
  });
  return (device) => {
    const cached = known.get(device);
    if (cached) return cached;
    const index = twin.sensors.indexOf(device);
    if (index === undefined) return undefined;
    const sensor = twin.sensors.sensors[index]!;
    const { placement } = sensor;
    if (!sensor.layer || (!placement.district && Object.keys(placement.systems).length === 0)) {
      return undefined;
    }
    const regions: RiskRegion[] = [];
    if (placement.district) regions.push(region(DISTRICT_SYSTEM, placement.district));
    for (const [system, id] of Object.entries(placement.systems)) regions.push(region(system, id));
    const place = { layer: sensor.layer, regions };
    known.set(device, place);
    return place;
  };
}
