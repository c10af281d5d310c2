import type { Point } from 'geojson';
import { layerOfKind } from '../layers.ts';
import { isDeviceId } from '../reading.ts';
import { createProjection } from '../geo/projection.ts';
import { bboxOfPolygon, round7 } from '../geo/polygon.ts';
import { positionProblem } from '../geo/validate.ts';
import { createCityIndex } from './city-index.ts';
import { emptyCollection, features, idOf, polygonOf } from './city-import-features.ts';
import type { GridSystem } from './grid-system.ts';
import {
  NODE_LEVELS,
  OPERATIONS_SYSTEM,
  type CityModel,
  type CityNode,
  type CitySensor,
  type NodeLevel,
  type SensorSite,
} from './model.ts';
import { orientedBox } from './oriented-box.ts';

/** A real city as GeoJSON feature collections, in lon/lat degrees. */
export interface CityGeoJson {
  name?: string;
  /** The hierarchy: Polygons with properties `id`, `name`, `level` (city, district, subdistrict, grid) and `parent`. */
  regions: unknown;
  /** Extra grid systems: Polygons with properties `id` and `name`. */
  gridSystems?: { id: string; name: string; regions: unknown }[];
  /** Footprints: Polygons with properties `id` and `height` (metres) or `levels`. */
  buildings?: unknown;
  /** Points with properties `id`, `kind`, and optional `layer`, `elevation` (metres), `building`, `site`. */
  devices?: unknown;
}

/** Thrown with every problem found, each naming the file part, the feature and what to fix. */
export class CityImportError extends Error {
  readonly code = 'SENSEGRID_CITY_INVALID';
  constructor(readonly problems: string[]) {
    super(
      `the city cannot be imported:\n  - ${problems.slice(0, 25).join('\n  - ')}${problems.length > 25 ? `\n  - ... and ${problems.length - 25} more` : ''}`,
    );
    this.name = 'CityImportError';
  }
}

/**
 * Builds a city model from GeoJSON. Checks everything first and throws one CityImportError
 * listing every problem. The grid level of the hierarchy becomes the city-operations grid.
 */
export function importCity(input: CityGeoJson): CityModel {
  const problems: string[] = [];
  const nodes: CityNode[] = [];
  const ids = new Set<string>();
  for (const [where, feature] of features('regions', input.regions, problems)) {
    const polygon = polygonOf(where, feature, problems);
    const props = feature.properties ?? {};
    const id = idOf(where, props.id, ids, problems);
    const level = props.level as NodeLevel;
    if (!NODE_LEVELS.includes(level))
      problems.push(
        `${where}: "level" must be one of ${NODE_LEVELS.join(', ')} (got ${JSON.stringify(props.level)})`,
      );
    if (!polygon || !id || !NODE_LEVELS.includes(level)) continue;
    const parent = typeof props.parent === 'string' ? props.parent : undefined;
    nodes.push({
      id,
      name: typeof props.name === 'string' ? props.name : id,
      level,
      polygon,
      ...(parent ? { parent } : {}),
    });
  }
  const cities = nodes.filter((n) => n.level === 'city');
  if (cities.length !== 1)
    problems.push(`regions: exactly one feature must have level "city" (found ${cities.length})`);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const node of nodes) {
    if (node.level === 'city') continue;
    const parent = node.parent ? byId.get(node.parent) : undefined;
    if (!parent)
      problems.push(
        `regions: "${node.id}" needs a "parent" that is a region id (got ${JSON.stringify(node.parent)})`,
      );
    else if (NODE_LEVELS.indexOf(parent.level) >= NODE_LEVELS.indexOf(node.level)) {
      problems.push(
        `regions: "${node.id}" (${node.level}) has parent "${parent.id}" (${parent.level}), which is not a higher level`,
      );
    }
  }

  const gridSystems: GridSystem[] = [
    {
      id: OPERATIONS_SYSTEM,
      name: 'City operations',
      regions: nodes.filter((n) => n.level === 'grid'),
    },
  ];
  for (const [s, system] of (input.gridSystems ?? []).entries()) {
    if (!system || typeof system.id !== 'string' || typeof system.name !== 'string') {
      problems.push(`gridSystems[${s}]: needs "id" and "name" strings`);
      continue;
    }
    const regions = [];
    for (const [where, feature] of features(`gridSystems.${system.id}`, system.regions, problems)) {
      const polygon = polygonOf(where, feature, problems);
      const id = idOf(where, feature.properties?.id, ids, problems);
      if (polygon && id)
        regions.push({ id, name: String(feature.properties?.name ?? id), polygon });
    }
    gridSystems.push({ id: system.id, name: system.name, regions });
  }
  if (problems.length > 0) throw new CityImportError(problems);

  const city = cities[0]!;
  const [w, s, e, n] = bboxOfPolygon(city.polygon);
  const origin: [number, number] = [round7((w + e) / 2), round7((s + n) / 2)];
  const projection = createProjection(origin);
  const partial: CityModel = {
    name: input.name ?? city.name,
    origin,
    bbox: [w, s, e, n],
    nodes: sortByLevel(nodes),
    gridSystems,
    buildings: [],
    streets: [],
    pipes: [],
    water: [],
    bridges: [],
    sensors: [],
  };
  const index = createCityIndex(partial);

  const buildingIds = new Set<string>();
  for (const [where, feature] of features(
    'buildings',
    input.buildings ?? emptyCollection,
    problems,
  )) {
    const polygon = polygonOf(where, feature, problems);
    const props = feature.properties ?? {};
    const id =
      typeof props.id === 'string' || typeof props.id === 'number'
        ? String(props.id)
        : `building-${buildingIds.size + 1}`;
    if (buildingIds.has(id)) problems.push(`${where}: id "${id}" is used twice`);
    buildingIds.add(id);
    const height =
      typeof props.height === 'number'
        ? props.height
        : typeof props.levels === 'number'
          ? props.levels * 3.2
          : NaN;
    if (!(height > 0 && height < 1000))
      problems.push(
        `${where}: "height" must be metres above ground, above 0 and below 1000 (or give "levels")`,
      );
    if (!polygon || !(height > 0 && height < 1000)) continue;
    const box = orientedBox(polygon, projection);
    const [lon, lat] = projection.toLonLat(box.x, box.y);
    const grid = index.place(lat, lon).grid;
    if (!grid) {
      problems.push(`${where}: building "${id}" stands outside every grid cell of the regions`);
      continue;
    }
    partial.buildings.push({ id, grid, ...box, heightM: Math.round(height * 10) / 10 });
  }

  const sensorIds = new Set<string>();
  for (const [where, feature] of features('devices', input.devices ?? emptyCollection, problems)) {
    const props = feature.properties ?? {};
    const geometry = feature.geometry as Point | null;
    if (geometry?.type !== 'Point') {
      problems.push(`${where}: a device is a Point (got ${geometry?.type ?? 'no geometry'})`);
      continue;
    }
    const positionIssue = positionProblem(geometry.coordinates);
    if (positionIssue) {
      problems.push(`${where}: ${positionIssue}`);
      continue;
    }
    const id = String(props.id ?? '');
    if (!isDeviceId(id))
      problems.push(
        `${where}: "id" must match [A-Za-z0-9_.:-]{1,64} (got ${JSON.stringify(props.id)})`,
      );
    else if (sensorIds.has(id)) problems.push(`${where}: device id "${id}" is used twice`);
    sensorIds.add(id);
    const kind = String(props.kind ?? '');
    const layer = typeof props.layer === 'string' ? props.layer : layerOfKind(kind)?.id;
    if (!layer)
      problems.push(
        `${where}: "kind" ${JSON.stringify(props.kind)} belongs to no sensing layer; give a known kind or a "layer"`,
      );
    if (!isDeviceId(id) || !layer) continue;
    const [lon, lat] = geometry.coordinates as [number, number];
    const [x, y] = projection.toLocal(lon, lat);
    const building = typeof props.building === 'string' ? props.building : undefined;
    if (building && !buildingIds.has(building))
      problems.push(`${where}: "building" "${building}" is not a building id`);
    const sensor: CitySensor = {
      id,
      kind,
      layer,
      lat,
      lon,
      x: Math.round(x * 10) / 10,
      y: Math.round(y * 10) / 10,
      z: typeof props.elevation === 'number' ? props.elevation : 3,
      site: (typeof props.site === 'string'
        ? props.site
        : building
          ? 'building'
          : 'street') as SensorSite,
    };
    if (building) sensor.building = building;
    partial.sensors.push(sensor);
  }
  if (problems.length > 0) throw new CityImportError(problems);
  return partial;
}

function sortByLevel(nodes: CityNode[]): CityNode[] {
  return [...nodes].sort((a, b) => NODE_LEVELS.indexOf(a.level) - NODE_LEVELS.indexOf(b.level));
}
