import {
  createCityIndex,
  createProjection,
  type Projection,
  type CityIndex,
  type CityModel,
  type CityPlacement,
  type RollupNode,
} from '@sensegrid/twin';

/** A sensor as the live twin tracks it; its index in the table is its index in frames. */
export interface TwinSensor {
  id: string;
  kind: string;
  layer: string;
  /** Local metres; NaN when the device has not said where it is. */
  x: number;
  y: number;
  z: number;
  building?: string;
  placement: CityPlacement;
}

/** Sensor fields a device can announce in its meta. */
export interface SensorSighting {
  kind?: string;
  layer?: string;
  lat?: number;
  lon?: number;
}

/**
 * The sensors of the twin in a stable order: the city model's sensors first, then devices
 * that announced themselves. `version` changes whenever a sensor is added.
 */
export class SensorTable {
  readonly index: CityIndex;
  readonly sensors: TwinSensor[] = [];
  private readonly projection: Projection;
  private readonly byId = new Map<string, number>();
  version = 1;

  constructor(readonly city: CityModel) {
    this.index = createCityIndex(city);
    this.projection = createProjection(city.origin);
    for (const s of city.sensors) {
      this.push({
        id: s.id,
        kind: s.kind,
        layer: s.layer,
        x: s.x,
        y: s.y,
        z: s.z,
        ...(s.building ? { building: s.building } : {}),
        placement: this.index.place(s.lat, s.lon),
      });
    }
  }

  get size(): number {
    return this.sensors.length;
  }

  indexOf(id: string): number | undefined {
    return this.byId.get(id);
  }

  /** Adds a device not in the city model, placed by its announced position (if any). */
  add(id: string, seen: SensorSighting): number {
    const known = this.byId.get(id);
    if (known !== undefined) return known;
    const placed = seen.lat !== undefined && seen.lon !== undefined;
    const [x, y] = placed ? this.projection.toLocal(seen.lon!, seen.lat!) : [NaN, NaN];
    this.version++;
    return this.push({
      id,
      kind: seen.kind ?? seen.layer ?? 'unknown',
      layer: seen.layer ?? '',
      x: Math.round(x * 10) / 10,
      y: Math.round(y * 10) / 10,
      z: 3,
      placement: placed ? this.index.place(seen.lat!, seen.lon!) : { systems: {} },
    });
  }

  /**
   * Places a sensor at a new position its device reported. Returns false when the position
   * is the one it had (within a metre: coordinates round-trip through 7-decimal degrees). A moved sensor leaves its building (the city model's mounting point):
   * it stands at street level where it now is. `version` changes so consoles reload positions.
   */
  move(index: number, lat: number, lon: number): boolean {
    const sensor = this.sensors[index];
    if (!sensor) return false;
    const [x, y] = this.projection.toLocal(lon, lat).map((v) => Math.round(v * 10) / 10) as [
      number,
      number,
    ];
    if (Math.hypot(x - sensor.x, y - sensor.y) < 1) return false;
    sensor.x = x;
    sensor.y = y;
    sensor.placement = this.index.place(lat, lon);
    if (sensor.building) {
      delete sensor.building;
      sensor.z = 3;
    }
    this.version++;
    return true;
  }

  /** The rollup nodes of a sensor: its hierarchy nodes, its building, and its grid regions. */
  nodesOf(sensor: TwinSensor): RollupNode[] {
    const { placement } = sensor;
    if (!placement.grid && !placement.district && Object.keys(placement.systems).length === 0)
      return [];
    const nodes: RollupNode[] = [{ id: 'city', stats: true }];
    for (const id of [placement.district, placement.subdistrict, placement.grid]) {
      if (id) nodes.push({ id, stats: true });
    }
    if (sensor.building) nodes.push({ id: sensor.building, stats: false });
    for (const region of Object.values(placement.systems)) {
      // The operations grid's regions are the hierarchy's grid cells, already counted.
      if (region !== placement.grid) nodes.push({ id: region, stats: true });
    }
    return nodes;
  }

  private push(sensor: TwinSensor): number {
    const index = this.sensors.length;
    this.sensors.push(sensor);
    this.byId.set(sensor.id, index);
    return index;
  }
}
