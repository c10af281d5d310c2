import type { FastifyInstance } from 'fastify';
import { LAYERS, createProjection, legendOf, scaleDomain, type CityModel } from '@sensegrid/twin';
import type { LiveTwin } from '../twin-state/live-twin.ts';
import type { TwinState } from '../twin-state/twin-state.ts';
import { BadRequest } from './query.ts';

const notFound = (what: string) => ({ error: 'SENSEGRID_NOT_FOUND', message: `no such ${what}` });

/**
 * The twin's routes: the city geometry and sensor table the console draws, regions with
 * their rollups, layers with units and colour scales, and a binary snapshot of the live twin.
 */
export async function registerTwinRoutes(app: FastifyInstance, live: LiveTwin): Promise<void> {
  const twin = live.state;
  let cityJson: string | undefined;
  let sensorsJson: { version: number; body: string } | undefined;

  app.get('/api/city', async (_request, reply) => {
    cityJson ??= JSON.stringify(cityGeometry(twin));
    return reply.type('application/json').send(cityJson);
  });

  app.get('/api/sensors', async (_request, reply) => {
    const version = twin.sensors.version;
    if (sensorsJson?.version !== version)
      sensorsJson = { version, body: JSON.stringify(sensorTable(twin)) };
    return reply.type('application/json').send(sensorsJson.body);
  });

  app.get('/api/sensors/:id', async (request, reply) => {
    const detail = twin.sensorDetail((request.params as { id: string }).id);
    return detail ?? reply.status(404).send(notFound('sensor'));
  });

  app.get('/api/layers', async () => {
    const counts = new Map<string, number>();
    for (const s of twin.sensors.sensors) counts.set(s.layer, (counts.get(s.layer) ?? 0) + 1);
    return {
      layers: LAYERS.map((layer, index) => ({
        index,
        ...layer,
        sensors: counts.get(layer.id) ?? 0,
        metrics: layer.metrics.map((m) => ({ ...m, scale: scaleDomain(m) })),
        legend: legendOf(layer.id),
      })),
    };
  });

  app.get('/api/regions', async (request) => {
    const { system, level, parent } = request.query as Record<string, string | undefined>;
    if (system && !twin.city.gridSystems.some((s) => s.id === system)) {
      throw new BadRequest(
        `"system" must be one of ${twin.city.gridSystems.map((s) => s.id).join(', ')}`,
      );
    }
    const regions = twin.regions.regions.filter(
      (r) =>
        (!system || r.system === system) &&
        (!level || r.level === level) &&
        (!parent || r.parent === parent),
    );
    return {
      systems: twin.city.gridSystems.map(({ id, name, regions: list }) => ({
        id,
        name,
        regions: list.length,
      })),
      regions: regions.map(({ index, id, name, level: l, system: s, parent: p }) => ({
        index,
        id,
        name,
        ...(l ? { level: l } : {}),
        ...(s ? { system: s } : {}),
        ...(p ? { parent: p } : {}),
        ...twin.rollups.total(id),
      })),
    };
  });

  app.get('/api/regions/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const detail = twin.regionDetail(id);
    if (!detail) return reply.status(404).send(notFound('region'));
    return { ...detail, polygon: twin.regions.get(id)?.polygon ?? null };
  });

  app.get('/api/twin/snapshot', async (_request, reply) => {
    const bytes = live.frames?.snapshot();
    if (!bytes)
      return reply
        .status(503)
        .send({ error: 'SENSEGRID_NOT_READY', message: 'the twin has not started' });
    return reply
      .type('application/octet-stream')
      .header('cache-control', 'no-store')
      .send(Buffer.from(bytes));
  });
}

/** Local metres, rounded to decimetres: the console draws in metres around the origin. */
function cityGeometry(twin: TwinState) {
  const city: CityModel = twin.city;
  const projection = createProjection(city.origin);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const flat = (points: readonly (readonly number[])[]) =>
    points.flatMap((p) => [r1(p[0]!), r1(p[1]!)]);
  const toLocalRing = (ring: readonly number[][]) =>
    flat(ring.slice(0, -1).map(([lon, lat]) => projection.toLocal(lon!, lat!)));
  const b = city.buildings;
  return {
    name: city.name,
    origin: city.origin,
    bbox: city.bbox,
    systems: city.gridSystems.map(({ id, name }) => ({ id, name })),
    regions: twin.regions.regions.map(({ index, id, name, level, system, parent, polygon }) => ({
      index,
      id,
      name,
      ...(level ? { level } : {}),
      ...(system ? { system } : {}),
      ...(parent ? { parent } : {}),
      ring: toLocalRing(polygon.coordinates[0] ?? []),
    })),
    buildings: {
      id: b.map((x) => x.id),
      grid: b.map((x) => twin.regions.get(x.grid)?.index ?? -1),
      x: b.map((x) => x.x),
      y: b.map((x) => x.y),
      w: b.map((x) => x.widthM),
      d: b.map((x) => x.depthM),
      a: b.map((x) => x.angleRad),
      h: b.map((x) => x.heightM),
    },
    streets: city.streets.map((s) => ({ kind: s.kind, points: flat(s.points) })),
    water: city.water.map((ring) => flat(ring)),
    bridges: city.bridges,
  };
}

function sensorTable(twin: TwinState) {
  const s = twin.sensors.sensors;
  return {
    version: twin.sensors.version,
    id: s.map((x) => x.id),
    kind: s.map((x) => x.kind),
    layer: s.map((x) => x.layer),
    x: s.map((x) => (Number.isFinite(x.x) ? x.x : null)),
    y: s.map((x) => (Number.isFinite(x.y) ? x.y : null)),
    z: s.map((x) => x.z),
    building: s.map((x) => x.building ?? null),
    grid: s.map((x) => x.placement.grid ?? null),
  };
}
