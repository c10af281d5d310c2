import {
  MINUTE_MS,
  minuteOf,
  type HistoryStore,
  type RegionMinute,
} from '../store/history-port.ts';
import type { PlacementOf } from './minute-rollup.ts';

/** count, mean, min, max of one metric, and how many sensors reported it. */
export interface MetricRollup {
  count: number;
  mean: number;
  min: number;
  max: number;
  sensors: number;
}

/** layer -> metric -> rollup. */
export type LayerRollups = Record<string, Record<string, MetricRollup>>;

/** One step of a region's history. */
export interface RegionStep {
  /** Start of the step, epoch ms. */
  t: number;
  layers: LayerRollups;
}

function addTo(layers: LayerRollups, row: RegionMinute): void {
  const metrics = (layers[row.layer] ??= {});
  const into = metrics[row.metric];
  if (!into) {
    metrics[row.metric] = {
      count: row.count,
      mean: row.sum, // a sum until `finish`
      min: row.min,
      max: row.max,
      sensors: row.sensors,
    };
    return;
  }
  into.count += row.count;
  into.mean += row.sum;
  into.min = Math.min(into.min, row.min);
  into.max = Math.max(into.max, row.max);
  into.sensors = Math.max(into.sensors, row.sensors);
}

function finish(layers: LayerRollups): LayerRollups {
  for (const metrics of Object.values(layers)) {
    for (const rollup of Object.values(metrics))
      rollup.mean = rollup.count > 0 ? rollup.mean / rollup.count : NaN;
  }
  return layers;
}

/**
 * One region's rollups per step (a whole number of minutes) from its minute aggregates. Over a
 * step longer than a minute, `sensors` is the most that reported in any one of its minutes.
 */
export async function regionHistory(
  aggregates: HistoryStore,
  query: { region: string; layer?: string; from: number; to: number; stepMs: number },
): Promise<RegionStep[]> {
  const fromMinute = minuteOf(query.from);
  const rows = await aggregates.regionMinutes(
    query.region,
    query.layer,
    fromMinute,
    minuteOf(query.to),
  );
  const steps = new Map<number, LayerRollups>();
  for (const row of rows) {
    const t = fromMinute + Math.floor((row.minute - fromMinute) / query.stepMs) * query.stepMs;
    let layers = steps.get(t);
    if (!layers) steps.set(t, (layers = {}));
    addTo(layers, row);
  }
  return [...steps].sort(([a], [b]) => a - b).map(([t, layers]) => ({ t, layers: finish(layers) }));
}

/** How far back a sensor's last values are looked for; older than this it is offline. */
export const STALE_LOOKBACK_MS = 5 * MINUTE_MS;

export type SensorStatusAt = 'online' | 'stale' | 'offline';

export interface SensorAt {
  id: string;
  status: SensorStatusAt;
  /** Start of the last minute it reported in (within the lookback). */
  lastMinute?: number;
  /** Per metric, the last value of the last minute that had one. */
  values: Record<string, number>;
}

export interface RegionAt {
  id: string;
  sensors: number;
  online: number;
  stale: number;
  offline: number;
  layers: LayerRollups;
}

export interface TwinAt {
  t: number;
  /** The minute window the state describes: [from, to). */
  window: { from: number; to: number };
  sensors: SensorAt[];
  regions: RegionAt[];
  /** Alerts open at `t`; null where no alert store answers. */
  alerts: unknown[] | null;
}

export interface TwinAtDeps {
  aggregates: HistoryStore;
  placementOf: PlacementOf;
  /** Every sensor the twin knows, so that ones silent at `t` show as offline. */
  sensorIds(): Iterable<string>;
  /** Alerts open at `t`, from the alert store. */
  openAlertsAt?(t: number): Promise<unknown[]>;
}

/**
 * The twin at time `t` from minute aggregates: `t` is taken to the start of its minute T and
 * the window is the minute before it, [T - 1 min, T). A sensor that reported in the window is
 * online; one whose last report is older but within STALE_LOOKBACK_MS is stale (its values are
 * its last ones); others are offline. Regions carry their rollups of the window and the counts
 * of their sensors by status.
 */
export async function twinAt(deps: TwinAtDeps, t: number): Promise<TwinAt> {
  const to = minuteOf(t);
  const from = to - MINUTE_MS;
  const [rows, regionRows, alerts] = await Promise.all([
    deps.aggregates.deviceMinutes(to - STALE_LOOKBACK_MS, from),
    deps.aggregates.regionsAt(from),
    deps.openAlertsAt ? deps.openAlertsAt(t) : Promise.resolve(null),
  ]);
  const sensors = new Map<string, SensorAt & { minutes: Record<string, number> }>();
  for (const id of deps.sensorIds())
    sensors.set(id, { id, status: 'offline', values: {}, minutes: {} });
  for (const row of rows) {
    let sensor = sensors.get(row.device);
    if (!sensor)
      sensors.set(
        row.device,
        (sensor = { id: row.device, status: 'offline', values: {}, minutes: {} }),
      );
    if ((sensor.minutes[row.metric] ?? -Infinity) < row.minute) {
      sensor.minutes[row.metric] = row.minute;
      sensor.values[row.metric] = row.last;
    }
    if ((sensor.lastMinute ?? -Infinity) < row.minute) sensor.lastMinute = row.minute;
  }
  const regions = new Map<string, RegionAt>();
  const regionOf = (id: string) => {
    let region = regions.get(id);
    if (!region)
      regions.set(id, (region = { id, sensors: 0, online: 0, stale: 0, offline: 0, layers: {} }));
    return region;
  };
  const list: SensorAt[] = [];
  for (const { minutes: _minutes, ...sensor } of sensors.values()) {
    if (sensor.lastMinute !== undefined)
      sensor.status = sensor.lastMinute >= from ? 'online' : 'stale';
    list.push(sensor);
    for (const id of deps.placementOf(sensor.id)?.regions ?? []) {
      const region = regionOf(id);
      region.sensors++;
      region[sensor.status]++;
    }
  }
  for (const row of regionRows) addTo(regionOf(row.region).layers, row);
  for (const region of regions.values()) finish(region.layers);
  return { t, window: { from, to }, sensors: list, regions: [...regions.values()], alerts };
}
