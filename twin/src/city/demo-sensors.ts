import { layerOfKind } from '../layers.ts';
import type { Projection } from '../geo/projection.ts';
import type { Random } from '../random.ts';
import type { River } from './demo-geometry.ts';
import type { Bridge, Building, CitySensor, SensorSite, Street } from './model.ts';

/** Share of the sensors per device kind, in percent. */
const KIND_WEIGHTS: [kind: string, weight: number][] = [
  ['traffic', 20],
  ['water', 14],
  ['air', 12],
  ['fire', 12],
  ['noise', 10],
  ['power', 10],
  ['structure', 8],
  ['crowd', 8],
  ['weather', 6],
];

export interface SensorSites {
  streets: Street[];
  pipes: Street[];
  buildings: Building[];
  bridges: Bridge[];
  river: River;
  /** Lattice points of arterial crossings, where crowds gather. */
  squares: [number, number][];
  /** Half the side of the (square) city in metres: sensors stay inside it. */
  halfSizeM: number;
}

/** How many sensors of each kind make `total`, by the weights above (largest remainder). */
export function sensorsPerKind(total: number): Map<string, number> {
  const sum = KIND_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const exact = KIND_WEIGHTS.map(([kind, w]) => [kind, (total * w) / sum] as const);
  const counts = new Map(exact.map(([kind, x]) => [kind, Math.floor(x)]));
  let left = total - [...counts.values()].reduce((s, n) => s + n, 0);
  const byRemainder = [...exact].sort((a, b) => (b[1] % 1) - (a[1] % 1));
  for (const [kind] of byRemainder) {
    if (left-- <= 0) break;
    counts.set(kind, counts.get(kind)! + 1);
  }
  return counts;
}

/**
 * Places sensors where they belong: traffic counters on roads, water sensors on the mains,
 * structural sensors on bridges and the tallest buildings, fire detectors in buildings,
 * weather stations on roofs, air and noise on street poles, crowd counters on squares.
 */
export function placeSensors(
  total: number,
  sites: SensorSites,
  projection: Projection,
  random: Random,
): CitySensor[] {
  const sensors: CitySensor[] = [];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const roads = sites.streets.filter((s) => s.kind !== 'minor');
  const byHeight = [...sites.buildings].sort((a, b) => b.heightM - a.heightM);
  const inside = (x: number, y: number) =>
    Math.abs(x) < sites.halfSizeM - 1 && Math.abs(y) < sites.halfSizeM - 1;
  const dry = (x: number, y: number) =>
    Math.abs(y - sites.river.centre(x)) > sites.river.widthM / 2 + 5;

  const add = (kind: string, n: number, where: Omit<CitySensor, keyof CitySensorBase>) => {
    const [lon, lat] = projection.toLonLat(where.x, where.y);
    sensors.push({
      id: `${kind}-${String(n).padStart(4, '0')}`,
      kind,
      layer: layerOfKind(kind)!.id,
      lat: round7(lat),
      lon: round7(lon),
      ...where,
      x: round1(where.x),
      y: round1(where.y),
    });
  };

  const onStreet = (from: readonly Street[], offsetM: number, z: number, site: SensorSite) => {
    for (let attempt = 0; ; attempt++) {
      const [x, y] = pointOnStreet(pick(from), offsetM, random);
      if ((inside(x, y) && (site === 'road' || dry(x, y))) || attempt > 50) {
        return { x, y, z, site };
      }
    }
  };
  const inBuilding = (b: Building, z: number, site: SensorSite) => ({
    x: b.x,
    y: b.y,
    z,
    site,
    building: b.id,
  });

  for (const [kind, count] of sensorsPerKind(total)) {
    for (let n = 1; n <= count; n++) {
      switch (kind) {
        case 'traffic':
          add(kind, n, onStreet(roads, 4, 5, 'road'));
          break;
        case 'water':
          add(kind, n, onStreet(sites.pipes, 0, -1.5, 'pipe'));
          break;
        case 'air':
          add(kind, n, onStreet(sites.streets, 9, 4, 'street'));
          break;
        case 'noise':
          add(kind, n, onStreet(sites.streets, 9, 5, 'street'));
          break;
        case 'power':
          add(kind, n, onStreet(sites.streets, 14, 2, 'street'));
          break;
        case 'structure': {
          const bridge = sites.bridges[(n - 1) >> 1];
          if (bridge && n <= sites.bridges.length * 2) {
            const along = ((n % 2) - 0.5) * bridge.lengthM * 0.5;
            add(kind, n, {
              x: bridge.x + Math.cos(bridge.angleRad) * along,
              y: bridge.y + Math.sin(bridge.angleRad) * along,
              z: 6,
              site: 'bridge',
            });
          } else {
            const tower = byHeight[(n - 1 - sites.bridges.length * 2) % byHeight.length]!;
            add(kind, n, inBuilding(tower, tower.heightM * 0.8, 'building'));
          }
          break;
        }
        case 'fire': {
          const b = pick(sites.buildings);
          add(kind, n, inBuilding(b, Math.round(random() * b.heightM), 'building'));
          break;
        }
        case 'weather': {
          const b = pick(byHeight.slice(0, Math.max(1, byHeight.length >> 2)));
          add(kind, n, inBuilding(b, b.heightM + 3, 'roof'));
          break;
        }
        case 'crowd': {
          const [sx, sy] = pick(sites.squares);
          const angle = random() * Math.PI * 2;
          const r = 15 + random() * 45;
          const x = sx + Math.cos(angle) * r;
          const y = sy + Math.sin(angle) * r;
          add(kind, n, { x, y, z: 3, site: 'plaza' });
          break;
        }
      }
    }
  }
  return sensors;
}

type CitySensorBase = { id: string; kind: string; layer: string; lat: number; lon: number };

function pointOnStreet(street: Street, offsetM: number, random: Random): [number, number] {
  const points = street.points;
  const s = Math.floor(random() * (points.length - 1));
  const [ax, ay] = points[s]!;
  const [bx, by] = points[s + 1] ?? points[s]!;
  const t = 0.15 + random() * 0.7;
  const length = Math.hypot(bx - ax, by - ay) || 1;
  const side = random() < 0.5 ? -1 : 1;
  // Offset across the street, so a roadside sensor does not sit on the centreline (a border).
  const nx = (-(by - ay) / length) * offsetM * side;
  const ny = ((bx - ax) / length) * offsetM * side;
  return [ax + (bx - ax) * t + nx, ay + (by - ay) * t + ny];
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
