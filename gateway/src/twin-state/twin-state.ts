import {
  LAYERS,
  Rollups,
  findLayer,
  findMetric,
  layerIndex,
  type CityModel,
  type Frame,
  type LayerRollup,
  type Reading,
  type RegionUpdate,
  type RollupOptions,
  type SensorUpdate,
} from '@sensegrid/twin';
import { RegionTable } from './region-table.ts';
import { SensorTable, type SensorSighting } from './sensor-table.ts';

export interface TwinStateOptions {
  city: CityModel;
  /** Receive time, epoch ms. */
  now?: () => number;
  rollups?: RollupOptions;
}

/**
 * The live city: every sensor placed in the hierarchy and every grid system, its status and
 * latest values, and rollups per node and layer. Fed by ingest; read by the API and frames.
 */
export class TwinState {
  readonly city: CityModel;
  readonly sensors: SensorTable;
  readonly regions: RegionTable;
  readonly rollups: Rollups;
  readingsTotal = 0;
  private readonly now: () => number;

  constructor(options: TwinStateOptions) {
    this.city = options.city;
    this.now = options.now ?? Date.now;
    this.sensors = new SensorTable(options.city);
    this.regions = new RegionTable(options.city);
    this.rollups = new Rollups(options.rollups);
    for (const sensor of this.sensors.sensors) {
      this.rollups.addSensor(sensor.id, sensor.layer, this.sensors.nodesOf(sensor));
    }
  }

  /** Applies a durable batch of readings. */
  applyReadings(readings: readonly Reading[]): void {
    const now = this.now();
    for (const reading of readings) {
      const index = this.ensure(reading.device, {});
      this.rollups.reading(index, reading.ts, reading.values, now);
    }
    this.readingsTotal += readings.length;
  }

  /**
   * A device described itself (meta): a device not in the city joins the twin; a known one
   * that reports another position moves, with its place in every grid system and its rollups.
   */
  deviceSeen(id: string, seen: SensorSighting): void {
    const known = this.sensors.indexOf(id);
    const index = this.ensure(id, seen);
    if (known === undefined || seen.lat === undefined || seen.lon === undefined) return;
    if (!this.sensors.move(index, seen.lat, seen.lon)) return;
    this.rollups.moveSensor(index, this.sensors.nodesOf(this.sensors.sensors[index]!));
  }

  /** A device announced `online` or `offline` on its status topic. */
  announce(id: string, status: 'online' | 'offline'): void {
    this.rollups.announce(this.ensure(id, {}), status, this.now());
  }

  /** Marks sensors without recent readings stale and slides the rollup windows. */
  sweep(): void {
    this.rollups.sweep(this.now());
  }

  /** The frame of what changed since the last call (regions only when `withRegions`). */
  takeFrame(seq: number, withRegions: boolean, pendingCells: Set<string>): Frame {
    const changes = this.rollups.takeChanges();
    for (const [node, layer] of changes.cells) pendingCells.add(`${node}\u0000${layer}`);
    const regions: RegionUpdate[] = [];
    if (withRegions) {
      for (const key of pendingCells) {
        const [node, layer] = key.split('\u0000') as [string, string];
        const update = this.regionUpdate(node, layer);
        if (update) regions.push(update);
      }
      pendingCells.clear();
    }
    return this.frame(
      seq,
      false,
      changes.sensors.map((i) => this.sensorUpdate(i)),
      regions,
    );
  }

  /** Everything, as one snapshot frame. */
  snapshot(seq: number): Frame {
    const sensors: SensorUpdate[] = [];
    for (let i = 0; i < this.sensors.size; i++) sensors.push(this.sensorUpdate(i));
    const regions: RegionUpdate[] = [];
    for (const region of this.regions.regions) {
      for (const rollup of this.rollups.layersOf(region.id)) {
        const update = this.toRegionUpdate(region.index, rollup);
        if (update) regions.push(update);
      }
    }
    return this.frame(seq, true, sensors, regions);
  }

  /** Everything the console shows about one sensor. */
  sensorDetail(id: string) {
    const index = this.sensors.indexOf(id);
    if (index === undefined) return undefined;
    const sensor = this.sensors.sensors[index]!;
    const state = this.rollups.sensor(index)!;
    const layer = findLayer(sensor.layer);
    const systems = this.city.gridSystems.map((system) => {
      const regionId = sensor.placement.systems[system.id];
      const region = regionId ? this.regions.get(regionId) : undefined;
      return {
        system: system.id,
        systemName: system.name,
        region: regionId ?? null,
        regionName: region?.name ?? null,
      };
    });
    const leaf = sensor.placement.grid ?? sensor.placement.subdistrict ?? sensor.placement.district;
    return {
      index,
      id,
      kind: sensor.kind,
      layer: sensor.layer,
      layerName: layer?.name ?? sensor.layer,
      x: sensor.x,
      y: sensor.y,
      z: sensor.z,
      building: sensor.building ?? null,
      status: state.status,
      lastSeen: state.lastSeen ?? null,
      lastTs: state.lastTs ?? null,
      intervalMs: state.intervalMs,
      openAlerts: state.openAlerts,
      values: Object.fromEntries(state.latest),
      units: Object.fromEntries((layer?.metrics ?? []).map((m) => [m.name, m.unit])),
      path: leaf
        ? this.sensors.index
            .path(leaf)
            .map(({ id: nodeId, name, level }) => ({ id: nodeId, name, level }))
        : [],
      systems,
    };
  }

  /** One node's rollup per layer, with its place in the hierarchy and its children. */
  regionDetail(id: string) {
    const region = this.regions.get(id);
    const building = region ? undefined : this.sensors.index.building(id);
    if (!region && !building) return undefined;
    const index = this.sensors.index;
    const path = region?.level
      ? index.path(id)
      : building
        ? [...index.path(building.grid), { id, name: `Building ${id}`, level: 'building' as const }]
        : [];
    const children = region?.level
      ? index
          .children(id)
          .map((c) => ({ id: c.id, name: c.name, level: c.level, ...this.rollups.total(c.id) }))
      : [];
    const buildings = region?.level === 'grid' ? index.buildingsOf(id).map((b) => b.id) : [];
    return {
      id,
      name: region?.name ?? `Building ${id}`,
      level: region?.level ?? (building ? 'building' : null),
      system: region?.system ?? null,
      parent: region?.parent ?? building?.grid ?? null,
      path: path.map((n) => ({ id: n.id, name: n.name, level: n.level })),
      total: this.rollups.total(id),
      layers: this.rollups.layersOf(id).map((rollup) => withUnits(rollup)),
      children,
      buildings,
      ...(building ? { building } : {}),
    };
  }

  private ensure(id: string, seen: SensorSighting): number {
    let index = this.sensors.indexOf(id);
    if (index === undefined) {
      index = this.sensors.add(id, seen);
      const sensor = this.sensors.sensors[index]!;
      this.rollups.addSensor(id, sensor.layer, this.sensors.nodesOf(sensor));
    }
    return index;
  }

  private frame(
    seq: number,
    snapshot: boolean,
    sensors: SensorUpdate[],
    regions: RegionUpdate[],
  ): Frame {
    const city = this.rollups.total('city');
    return {
      seq,
      timeMs: this.now(),
      snapshot,
      sensorsVersion: this.sensors.version,
      readingsTotal: this.readingsTotal,
      readingsPerSec: 0,
      devicesOnline: city.online,
      devicesTotal: this.sensors.size,
      sensors,
      regions,
    };
  }

  private sensorUpdate(index: number): SensorUpdate {
    const state = this.rollups.sensor(index)!;
    const values: [number, number][] = [];
    for (const [name, value] of state.latest) {
      const metric = findMetric(name);
      if (metric) values.push([metric.index, value]);
    }
    return {
      index,
      status: state.status,
      ...(state.lastTs === undefined ? {} : { ts: state.lastTs }),
      values,
    };
  }

  private regionUpdate(node: string, layer: string): RegionUpdate | undefined {
    const region = this.regions.get(node);
    const rollup = region ? this.rollups.get(node, layer) : undefined;
    return region && rollup ? this.toRegionUpdate(region.index, rollup) : undefined;
  }

  private toRegionUpdate(region: number, rollup: LayerRollup): RegionUpdate | undefined {
    const layer = layerIndex(rollup.layer);
    if (layer < 0) return undefined;
    const metrics = [];
    for (const m of rollup.metrics) {
      const spec = findMetric(m.metric);
      if (spec)
        metrics.push({
          metric: spec.index,
          count: m.count,
          mean: m.mean,
          min: m.min,
          max: m.max,
          p95: m.p95,
        });
    }
    const { sensors, online, stale, offline, alerts } = rollup;
    return { region, layer, sensors, online, stale, offline, alerts, metrics };
  }
}

function withUnits(rollup: LayerRollup) {
  const layer = LAYERS.find((l) => l.id === rollup.layer);
  return {
    ...rollup,
    layerName: layer?.name ?? rollup.layer,
    metrics: rollup.metrics.map((m) => ({ ...m, unit: findMetric(m.metric)?.unit ?? '' })),
  };
}
