import type { Random } from '../random.ts';

/** Lattice points [I][J] in local metres, I along x (east), J along y (north). */
export type Lattice = [x: number, y: number][][];

export interface LatticeOptions {
  /** Cells along x and along y. */
  nx: number;
  ny: number;
  /** The covered rectangle in local metres. */
  west: number;
  south: number;
  width: number;
  height: number;
  /** Interior points move up to this share of a cell in each direction. */
  jitter: number;
  random: Random;
}

/**
 * A rectangle split into nx * ny quads whose interior corners are moved at random; the outer
 * border stays straight so that several lattices over one rectangle cover the same city.
 * Neighbouring quads share corner points exactly, so they tile without gaps or overlaps.
 */
export function jitteredLattice(o: LatticeOptions): Lattice {
  const dx = o.width / o.nx;
  const dy = o.height / o.ny;
  const points: Lattice = [];
  for (let i = 0; i <= o.nx; i++) {
    const column: [number, number][] = [];
    for (let j = 0; j <= o.ny; j++) {
      const interiorX = i > 0 && i < o.nx;
      const interiorY = j > 0 && j < o.ny;
      const jx = interiorX ? (o.random() * 2 - 1) * o.jitter * dx : 0;
      const jy = interiorY ? (o.random() * 2 - 1) * o.jitter * dy : 0;
      column.push([o.west + i * dx + jx, o.south + j * dy + jy]);
    }
    points.push(column);
  }
  return points;
}

/** Bilinear interpolation in a quad given by corners a (0,0), b (1,0), c (1,1), d (0,1). */
export function bilinear(
  a: readonly [number, number],
  b: readonly [number, number],
  c: readonly [number, number],
  d: readonly [number, number],
  u: number,
  v: number,
): [number, number] {
  const x = (1 - u) * (1 - v) * a[0] + u * (1 - v) * b[0] + u * v * c[0] + (1 - u) * v * d[0];
  const y = (1 - u) * (1 - v) * a[1] + u * (1 - v) * b[1] + u * v * c[1] + (1 - u) * v * d[1];
  return [x, y];
}

/**
 * Refines a coarse lattice: each coarse quad is split bilinearly into k * k quads. Points on a
 * coarse edge lie on that edge, so the refined lattice keeps the coarse borders exactly.
 */
export function refineLattice(coarse: Lattice, k: number, jitter: number, random: Random): Lattice {
  const nx = (coarse.length - 1) * k;
  const ny = ((coarse[0]?.length ?? 1) - 1) * k;
  const fine: Lattice = [];
  for (let i = 0; i <= nx; i++) {
    const column: [number, number][] = [];
    const ci = Math.min(Math.floor(i / k), coarse.length - 2);
    const u = (i - ci * k) / k;
    for (let j = 0; j <= ny; j++) {
      const cj = Math.min(Math.floor(j / k), coarse[0]!.length - 2);
      const v = (j - cj * k) / k;
      const p = bilinear(
        coarse[ci]![cj]!,
        coarse[ci + 1]![cj]!,
        coarse[ci + 1]![cj + 1]!,
        coarse[ci]![cj + 1]!,
        u,
        v,
      );
      // Only points strictly inside a coarse quad move, so the coarse borders stay straight.
      if (i % k !== 0 && j % k !== 0 && jitter > 0) {
        const size = Math.hypot(
          coarse[ci + 1]![cj]![0] - coarse[ci]![cj]![0],
          coarse[ci]![cj + 1]![1] - coarse[ci]![cj]![1],
        );
        p[0] += (random() * 2 - 1) * jitter * (size / k);
        p[1] += (random() * 2 - 1) * jitter * (size / k);
      }
      column.push(p);
    }
    fine.push(column);
  }
  return fine;
}

/** The outline of the block of lattice cells [i0, i1) x [j0, j1), counter-clockwise. */
export function blockOutline(
  lattice: Lattice,
  i0: number,
  j0: number,
  i1: number,
  j1: number,
): [number, number][] {
  const ring: [number, number][] = [];
  for (let i = i0; i < i1; i++) ring.push(lattice[i]![j0]!);
  for (let j = j0; j < j1; j++) ring.push(lattice[i1]![j]!);
  for (let i = i1; i > i0; i--) ring.push(lattice[i]![j1]!);
  for (let j = j1; j > j0; j--) ring.push(lattice[i0]![j]!);
  return ring;
}
