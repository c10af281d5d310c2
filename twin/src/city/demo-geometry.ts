import type { Position } from 'geojson';
import type { Random } from '../random.ts';
import { bilinear, type Lattice } from './lattice.ts';
import type { Bridge, Building, Street } from './model.ts';

/** A river across the city from west to east: y = centre(x), in local metres. */
export interface River {
  centre(x: number): number;
  widthM: number;
}

export function createRiver(sizeM: number, random: Random): River {
  const phase = random() * Math.PI * 2;
  const offset = (random() - 0.5) * sizeM * 0.2;
  return {
    centre: (x) => offset + Math.sin((x / sizeM) * Math.PI * 2.2 + phase) * sizeM * 0.06,
    widthM: Math.max(60, sizeM * 0.022),
  };
}

/** The river as a closed ring from x = west to x = east. */
export function riverRing(river: River, west: number, east: number, steps = 64): Position[] {
  const north: Position[] = [];
  const south: Position[] = [];
  for (let s = 0; s <= steps; s++) {
    const x = west + ((east - west) * s) / steps;
    const y = river.centre(x);
    south.push([round1(x), round1(y - river.widthM / 2)]);
    north.push([round1(x), round1(y + river.widthM / 2)]);
  }
  const ring = [...south, ...north.reverse()];
  ring.push([...ring[0]!]);
  return ring;
}

/**
 * Streets along the lattice lines (arterials on coarse borders, secondaries on the rest) and
 * minor streets through the middle of each cell.
 */
export function layStreets(fine: Lattice, k: number): Street[] {
  const n = fine.length - 1;
  const streets: Street[] = [];
  for (let i = 0; i <= n; i++) {
    streets.push({
      kind: i % k === 0 ? 'arterial' : 'secondary',
      points: fine[i]!.map(([x, y]) => [round1(x), round1(y)]),
    });
  }
  for (let j = 0; j <= n; j++) {
    streets.push({
      kind: j % k === 0 ? 'arterial' : 'secondary',
      points: fine.map((column) => column[j]!).map(([x, y]) => [round1(x), round1(y)]),
    });
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const corners = cellCorners(fine, i, j);
      streets.push({ kind: 'minor', points: [at(corners, 0.5, 0), at(corners, 0.5, 1)] });
      streets.push({ kind: 'minor', points: [at(corners, 0, 0.5), at(corners, 1, 0.5)] });
    }
  }
  return streets;
}

/** Bridges where the north-south streets cross the river. */
export function layBridges(fine: Lattice, river: River): Bridge[] {
  const bridges: Bridge[] = [];
  for (let i = 1; i < fine.length - 1; i++) {
    const column = fine[i]!;
    for (let j = 0; j + 1 < column.length; j++) {
      const [ax, ay] = column[j]!;
      const [bx, by] = column[j + 1]!;
      const da = ay - river.centre(ax);
      const db = by - river.centre(bx);
      if (da <= 0 && db > 0) {
        const t = da / (da - db);
        bridges.push({
          id: `bridge-${String(bridges.length + 1).padStart(2, '0')}`,
          x: round1(ax + (bx - ax) * t),
          y: round1(ay + (by - ay) * t),
          lengthM: Math.round(river.widthM + 40),
          angleRad: Math.atan2(by - ay, bx - ax),
        });
      }
    }
  }
  return bridges;
}

export interface BuildingSlot {
  /** Grid cell index in the fine lattice. */
  i: number;
  j: number;
  x: number;
  y: number;
  widthM: number;
  depthM: number;
  angleRad: number;
}

/**
 * Every place a building could stand: each cell is split into four blocks by its minor
 * streets, each block into a sub-grid of lots set back from the streets; lots in the river
 * and in parks are left out.
 */
export function buildingSlots(
  fine: Lattice,
  perSide: number,
  river: River,
  isPark: (i: number, j: number, block: number) => boolean,
): BuildingSlot[] {
  const slots: BuildingSlot[] = [];
  const n = fine.length - 1;
  const setback = 0.06;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const corners = cellCorners(fine, i, j);
      const [a, b, , d] = corners;
      const angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
      const cellW = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const cellH = Math.hypot(d[0] - a[0], d[1] - a[1]);
      for (let block = 0; block < 4; block++) {
        if (isPark(i, j, block)) continue;
        const u0 = (block % 2) * 0.5 + setback;
        const v0 = Math.floor(block / 2) * 0.5 + setback;
        const span = 0.5 - 2 * setback;
        for (let su = 0; su < perSide; su++) {
          for (let sv = 0; sv < perSide; sv++) {
            const u = u0 + ((su + 0.5) / perSide) * span;
            const v = v0 + ((sv + 0.5) / perSide) * span;
            const [x, y] = bilinear(...corners, u, v);
            if (Math.abs(y - river.centre(x)) < river.widthM / 2 + 25) continue;
            slots.push({
              i,
              j,
              x,
              y,
              widthM: (cellW * span) / perSide,
              depthM: (cellH * span) / perSide,
              angleRad: angle,
            });
          }
        }
      }
    }
  }
  return slots;
}

/** Picks `count` slots at random (without repeats) and raises a building on each. */
export function raiseBuildings(
  slots: BuildingSlot[],
  count: number,
  cellId: (i: number, j: number) => string,
  random: Random,
): Building[] {
  const picked = slots.slice();
  const take = Math.min(count, picked.length);
  for (let s = 0; s < take; s++) {
    const r = s + Math.floor(random() * (picked.length - s));
    [picked[s], picked[r]] = [picked[r]!, picked[s]!];
  }
  const chosen = picked.slice(0, take).sort((p, q) => p.i - q.i || p.j - q.j || p.x - q.x);
  const perCell = new Map<string, number>();
  return chosen.map((slot) => {
    const grid = cellId(slot.i, slot.j);
    const n = (perCell.get(grid) ?? 0) + 1;
    perCell.set(grid, n);
    // Towers cluster downtown: the mean floor count falls off with distance from the centre.
    const downtown = Math.exp(-((slot.x ** 2 + slot.y ** 2) / 1500 ** 2));
    const floors = Math.min(90, 2 + Math.floor(-Math.log(1 - random()) * (3 + 16 * downtown)));
    return {
      id: `${grid}-b${String(n).padStart(3, '0')}`,
      grid,
      x: round1(slot.x),
      y: round1(slot.y),
      widthM: round1(slot.widthM * (0.55 + random() * 0.3)),
      depthM: round1(slot.depthM * (0.55 + random() * 0.3)),
      angleRad: Math.round(slot.angleRad * 1e4) / 1e4,
      heightM: round1(floors * 3.2),
    };
  });
}

type Corners = [[number, number], [number, number], [number, number], [number, number]];

export function cellCorners(fine: Lattice, i: number, j: number): Corners {
  return [fine[i]![j]!, fine[i + 1]![j]!, fine[i + 1]![j + 1]!, fine[i]![j + 1]!];
}

function at(corners: Corners, u: number, v: number): [number, number] {
  const [x, y] = bilinear(...corners, u, v);
  return [round1(x), round1(y)];
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
