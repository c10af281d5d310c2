import {
  createProjection,
  ringCentroid,
  type CityPlacement,
  type Projection,
} from '@sensegrid/twin';
import type { TwinState } from '../twin-state/twin-state.ts';
import type { PlaceRef } from './model.ts';
import type { Signal } from './signal.ts';

/** The primary administrative system: the city hierarchy; incidents are placed by district. */
export const ADMIN_SYSTEM = 'admin';

/** Where a signal is: its district, its region in every grid system, and a point. */
export interface SignalPlace {
  place: PlaceRef;
  /** Region id in every grid system that covers the point (`admin` included). */
  regions: Record<string, string>;
  center?: { lat: number; lon: number };
  /** The twin's sensor index, for rollups. */
  sensorIndex?: number;
  /** The sensor's layer as the twin knows it (for signals whose device did not say). */
  layer?: string;
}

export type PlaceSignal = (signal: Signal) => SignalPlace;

/**
 * Places signals through the live twin. A device's signal takes its sensor's placement; a
 * region's signal (risk) takes the placement of its region's centroid, so it lands in every grid
 * system too. Unplaced devices are placed in the city as a whole.
 */
export function createSignalPlacer(twin: TwinState): PlaceSignal {
  const projection: Projection = createProjection(twin.city.origin);
  const cityNode = twin.city.nodes[0]!;
  const nameOf = (id: string) => twin.regions.get(id)?.name ?? id;

  function fromPlacement(
    placement: CityPlacement,
    center?: { lat: number; lon: number },
  ): SignalPlace {
    const district = placement.district ?? cityNode.id;
    const regions: Record<string, string> = { [ADMIN_SYSTEM]: district, ...placement.systems };
    return {
      place: { system: ADMIN_SYSTEM, id: district, name: nameOf(district) },
      regions,
      ...(center ? { center } : {}),
    };
  }

  return (signal) => {
    if (signal.device !== undefined) {
      const index = twin.sensors.indexOf(signal.device);
      const sensor = index === undefined ? undefined : twin.sensors.sensors[index];
      if (sensor === undefined || index === undefined) return fromPlacement({ systems: {} });
      const center = Number.isFinite(sensor.x)
        ? toLatLon(projection.toLonLat(sensor.x, sensor.y))
        : undefined;
      return {
        ...fromPlacement(sensor.placement, center),
        sensorIndex: index,
        ...(sensor.layer ? { layer: sensor.layer } : {}),
      };
    }
    if (signal.region !== undefined) {
      const region = twin.regions.get(signal.region.id);
      const ring = region?.polygon.coordinates[0];
      if (!ring) return fromPlacement({ systems: {} });
      const [lon, lat] = ringCentroid(ring);
      const placement = twin.sensors.index.place(lat, lon);
      placement.systems[signal.region.system] = signal.region.id;
      return fromPlacement(placement, { lat: round6(lat), lon: round6(lon) });
    }
    return fromPlacement({ systems: {} });
  };
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

function toLatLon([lon, lat]: [number, number]): { lat: number; lon: number } {
  return { lat: round6(lat), lon: round6(lon) };
}

/** The display name of a region of the twin. */
export function regionName(twin: TwinState, id: string): string {
  return twin.regions.get(id)?.name ?? id;
}
