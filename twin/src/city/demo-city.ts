import type { Position } from 'geojson';
import { createProjection, type Projection } from '../geo/projection.ts';
import { bboxOfPolygon, polygonOf, round7 } from '../geo/polygon.ts';
import { createRandom, hashSeed } from '../random.ts';
import {
  buildingSlots,
  createRiver,
  layBridges,
  layStreets,
  raiseBuildings,
  riverRing,
} from './demo-geometry.ts';
import { placeSensors } from './demo-sensors.ts';
import type { GridRegion, GridSystem } from './grid-system.ts';
import { blockOutline, jitteredLattice, refineLattice, type Lattice } from './lattice.ts';
import { OPERATIONS_SYSTEM, type CityModel, type CityNode } from './model.ts';

export interface DemoCityOptions {
  /** The same seed gives the same city. 1 by default. */
  seed?: number;
  /** About this many buildings (fewer only if the lots run out). 20,000 by default. */
  buildings?: number;
  /** Exactly this many sensors. 2,000 by default. */
  sensors?: number;
  /** Centre of the city, [lat, lon] in degrees. */
  center?: [lat: number, lon: number];
  /** Side of the (square) city in metres. 6,000 by default. */
  sizeM?: number;
  /** Districts per side; 3 by default. */
  districtsPerSide?: number;
  name?: string;
}

const DISTRICT_NAMES = [
  'Old Town',
  'Riverside',
  'Harbour',
  'Westgate',
  'Central',
  'Eastbank',
  'Hillcrest',
  'Northfield',
  'Lakeview',
];
const QUARTERS = ['South-West', 'South-East', 'North-West', 'North-East'];
/** Grid cells per subdistrict side; subdistricts are 2 x 2 per district. */
const CELLS_PER_SUBDISTRICT = 3;

/**
 * A deterministic city from a seed: districts split into subdistricts and grid cells, streets,
 * a river with bridges, about 20,000 buildings with footprints and heights, four grid
 * systems, and sensors placed where they belong.
 */
export function createDemoCity(options: DemoCityOptions = {}): CityModel {
  const seed = options.seed ?? 1;
  const size = options.sizeM ?? 6000;
  const perSide = options.districtsPerSide ?? 3;
  const [lat0, lon0] = options.center ?? [30.25, 120.16];
  const k = CELLS_PER_SUBDISTRICT * 2;
  const projection = createProjection([lon0, lat0]);
  const stream = (name: string) => createRandom(hashSeed(name, seed));

  const coarse = jitteredLattice({
    nx: perSide,
    ny: perSide,
    west: -size / 2,
    south: -size / 2,
    width: size,
    height: size,
    jitter: 0.14,
    random: stream('districts'),
  });
  const fine = refineLattice(coarse, k, 0.1, stream('cells'));
  const n = perSide * k;
  const ring = (i0: number, j0: number, i1: number, j1: number) =>
    toPolygon(blockOutline(fine, i0, j0, i1, j1), projection);

  const nodes: CityNode[] = [
    { id: 'city', name: options.name ?? 'Demo City', level: 'city', polygon: ring(0, 0, n, n) },
  ];
  const cellIds: string[][] = Array.from({ length: n }, () => new Array<string>(n));
  const districts: CityNode[] = [];
  const subdistricts: CityNode[] = [];
  const grids: CityNode[] = [];
  for (let dj = 0; dj < perSide; dj++) {
    for (let di = 0; di < perSide; di++) {
      const index = dj * perSide + di;
      const district = `d${String(index + 1).padStart(2, '0')}`;
      const districtName = DISTRICT_NAMES[index] ?? `District ${index + 1}`;
      districts.push({
        id: district,
        name: districtName,
        level: 'district',
        parent: 'city',
        polygon: ring(di * k, dj * k, (di + 1) * k, (dj + 1) * k),
      });
      for (let q = 0; q < 4; q++) {
        const si = di * k + (q % 2) * CELLS_PER_SUBDISTRICT;
        const sj = dj * k + Math.floor(q / 2) * CELLS_PER_SUBDISTRICT;
        const sub = `${district}-s${q + 1}`;
        subdistricts.push({
          id: sub,
          name: `${districtName} ${QUARTERS[q]}`,
          level: 'subdistrict',
          parent: district,
          polygon: ring(si, sj, si + CELLS_PER_SUBDISTRICT, sj + CELLS_PER_SUBDISTRICT),
        });
        for (let c = 0; c < CELLS_PER_SUBDISTRICT ** 2; c++) {
          const i = si + (c % CELLS_PER_SUBDISTRICT);
          const j = sj + Math.floor(c / CELLS_PER_SUBDISTRICT);
          const id = `${sub}-g${c + 1}`;
          cellIds[i]![j] = id;
          grids.push({
            id,
            name: `${districtName} ${QUARTERS[q]} grid ${c + 1}`,
            level: 'grid',
            parent: sub,
            polygon: ring(i, j, i + 1, j + 1),
          });
        }
      }
    }
  }
  nodes.push(...districts, ...subdistricts, ...grids);

  const overlay = (
    id: string,
    name: string,
    label: string,
    nx: number,
    ny: number,
    jitter: number,
  ) => latticeSystem(id, name, label, projection, size, nx, ny, jitter, stream(id));
  const gridSystems: GridSystem[] = [
    { id: OPERATIONS_SYSTEM, name: 'City operations', regions: grids },
    overlay('policing', 'Policing', 'Beat', 8, 8, 0.3),
    overlay('governance', 'Comprehensive governance', 'Community grid', 20, 20, 0.25),
    overlay('utilities', 'Utilities', 'Service zone', 4, 3, 0.35),
  ];

  const river = createRiver(size, stream('river'));
  const streets = layStreets(fine, k);
  const bridges = layBridges(fine, river);
  const buildingCount = options.buildings ?? 20_000;
  const blocks = n * n * 4;
  const lotsPerSide = Math.max(
    2,
    Math.ceil(Math.sqrt((buildingCount * 1.5) / Math.max(1, blocks))),
  );
  const isPark = (i: number, j: number, block: number) =>
    hashSeed(`${i},${j},${block}`, seed) % 100 < 5;
  const slots = buildingSlots(fine, lotsPerSide, river, isPark);
  const buildings = raiseBuildings(
    slots,
    buildingCount,
    (i, j) => cellIds[i]![j]!,
    stream('buildings'),
  );
  const squares = arterialCrossings(fine, k);
  const pipes = streets.filter((s) => s.kind !== 'arterial');
  const sensors = placeSensors(
    options.sensors ?? 2000,
    { streets, pipes, buildings, bridges, river, squares, halfSizeM: size / 2 },
    projection,
    stream('sensors'),
  );

  return {
    name: options.name ?? 'Demo City',
    origin: [lon0, lat0],
    bbox: bboxOfPolygon(nodes[0]!.polygon),
    nodes,
    gridSystems,
    buildings,
    streets,
    pipes,
    water: [riverRing(river, -size / 2, size / 2)],
    bridges,
    sensors,
  };
}

function latticeSystem(
  id: string,
  name: string,
  label: string,
  projection: Projection,
  size: number,
  nx: number,
  ny: number,
  jitter: number,
  random: () => number,
): GridSystem {
  const lattice = jitteredLattice({
    nx,
    ny,
    west: -size / 2,
    south: -size / 2,
    width: size,
    height: size,
    jitter,
    random,
  });
  const regions: GridRegion[] = [];
  const prefix = id.slice(0, 3);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const number = j * nx + i + 1;
      regions.push({
        id: `${prefix}-${String(number).padStart(3, '0')}`,
        name: `${label} ${number}`,
        polygon: toPolygon(blockOutline(lattice, i, j, i + 1, j + 1), projection),
      });
    }
  }
  return { id, name, regions };
}

function arterialCrossings(fine: Lattice, k: number): [number, number][] {
  const points: [number, number][] = [];
  for (let i = k; i < fine.length - 1; i += k) {
    for (let j = 1; j < fine.length - 1; j++) points.push(fine[i]![j]!);
  }
  return points;
}

function toPolygon(ring: [number, number][], projection: Projection) {
  const corners: Position[] = ring.map(([x, y]) => {
    const [lon, lat] = projection.toLonLat(x, y);
    return [round7(lon), round7(lat)];
  });
  return polygonOf(corners);
}
