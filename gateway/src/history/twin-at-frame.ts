import {
  ALERT_SEVERITIES,
  emptyCounts,
  encodeFrame,
  findMetric,
  layerIndex,
  type Frame,
  type RegionUpdate,
  type RollupCounts,
  type SensorUpdate,
} from '@sensegrid/twin';
import type { FastifyInstance } from 'fastify';
import { BadRequest, parseTime } from '../api/query.ts';
import type { TwinState } from '../twin-state/twin-state.ts';
import { twinAtFor, type HistoryRoutesDeps } from './history-routes.ts';
import type { TwinAt } from './time-travel.ts';

/** What the timeline needs of an alert open at a past moment. */
interface OpenAlert {
  severity?: unknown;
  layer?: unknown;
  regions?: Record<string, { id?: unknown }>;
  place?: { id?: unknown };
}

/**
 * The twin at a past moment as one snapshot frame, in the encoding of the live frames, so the
 * console shows the past exactly as it shows the present. Sensors carry their last values and
 * status of the minute before `t`; regions their minute rollups per layer (history keeps no
 * p95: the frame's p95 is the minute's max) with sensors counted by status per layer, and open
 * alerts by severity on the regions they were placed in.
 */
export function twinAtFrame(state: TwinState, at: TwinAt): Frame {
  const sensors: SensorUpdate[] = [];
  const counts = new Map<string, RollupCounts>(); // `${region}\u0000${layer}`
  const countsOf = (region: string, layer: string) => {
    const key = `${region}\u0000${layer}`;
    let entry = counts.get(key);
    if (!entry) counts.set(key, (entry = emptyCounts()));
    return entry;
  };
  let online = 0;
  for (const sensorAt of at.sensors) {
    const index = state.sensors.indexOf(sensorAt.id);
    if (index === undefined) continue;
    const sensor = state.sensors.sensors[index]!;
    const values: [number, number][] = [];
    for (const [name, value] of Object.entries(sensorAt.values)) {
      const metric = findMetric(name);
      if (metric) values.push([metric.index, value]);
    }
    sensors.push({
      index,
      status: sensorAt.status,
      ...(sensorAt.lastMinute === undefined ? {} : { ts: sensorAt.lastMinute }),
      values,
    });
    if (sensorAt.status === 'online') online++;
    for (const node of state.sensors.nodesOf(sensor)) {
      if (!node.stats) continue;
      const entry = countsOf(node.id, sensor.layer);
      entry.sensors++;
      entry[sensorAt.status]++;
    }
  }
  for (const alert of (at.alerts ?? []) as OpenAlert[]) {
    const level = ALERT_SEVERITIES.indexOf(alert.severity as (typeof ALERT_SEVERITIES)[number]);
    if (level < 0 || typeof alert.layer !== 'string') continue;
    const regions = new Set<string>();
    for (const region of Object.values(alert.regions ?? {}))
      if (typeof region.id === 'string') regions.add(region.id);
    if (typeof alert.place?.id === 'string') regions.add(alert.place.id);
    for (const region of regions) countsOf(region, alert.layer).alerts[level]!++;
  }
  const regions: RegionUpdate[] = [];
  const byRegion = new Map(at.regions.map((r) => [r.id, r]));
  for (const [key, entry] of counts) {
    const [id, layer] = key.split('\u0000') as [string, string];
    const region = state.regions.get(id);
    const layerAt = layerIndex(layer);
    if (!region || layerAt < 0) continue;
    const metrics = Object.entries(byRegion.get(id)?.layers[layer] ?? {}).flatMap(([name, m]) => {
      const metric = findMetric(name);
      return metric
        ? [
            {
              metric: metric.index,
              count: m.count,
              mean: m.mean,
              min: m.min,
              max: m.max,
              p95: m.max,
            },
          ]
        : [];
    });
    regions.push({ region: region.index, layer: layerAt, ...entry, metrics });
  }
  return {
    seq: 0,
    timeMs: at.t,
    snapshot: true,
    sensorsVersion: state.sensors.version,
    readingsTotal: 0,
    readingsPerSec: 0,
    devicesOnline: online,
    devicesTotal: state.sensors.size,
    sensors,
    regions,
  };
}

/** `GET /api/twin/at/frame?t=`: the twin at `t` as a binary snapshot frame for the console. */
export function registerTwinAtFrameRoute(app: FastifyInstance, deps: HistoryRoutesDeps): void {
  app.get('/api/twin/at/frame', async (request, reply) => {
    const t = parseTime((request.query as Record<string, string | undefined>).t, 't');
    if (t === undefined)
      throw new BadRequest('"t" is required: /api/twin/at/frame?t=<epoch ms or ISO 8601>');
    const at = await twinAtFor(deps, t);
    const bytes = encodeFrame(twinAtFrame(deps.twin.state, at));
    return reply
      .type('application/octet-stream')
      .header('cache-control', 'no-store')
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}
