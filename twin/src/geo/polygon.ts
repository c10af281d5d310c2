import type { Polygon, Position } from 'geojson';

/** A rectangle in degrees (or metres): [west, south, east, north]. */
export type BBox = [west: number, south: number, east: number, north: number];

export function bboxOfRing(ring: readonly Position[]): BBox {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const p of ring) {
    const x = p[0]!;
    const y = p[1]!;
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}

export function bboxOfPolygon(polygon: Polygon): BBox {
  return bboxOfRing(polygon.coordinates[0] ?? []);
}

/** Signed area of a closed ring by the shoelace formula (positive when counter-clockwise). */
export function signedArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    sum += a[0]! * b[1]! - b[0]! * a[1]!;
  }
  return sum / 2;
}

/** The area centroid of a closed ring (the vertex mean when the area is zero). */
export function ringCentroid(ring: readonly Position[]): [number, number] {
  const area = signedArea(ring);
  if (Math.abs(area) < 1e-18) {
    let x = 0;
    let y = 0;
    const n = Math.max(1, ring.length - 1);
    for (let i = 0; i < n; i++) {
      x += ring[i]?.[0] ?? 0;
      y += ring[i]?.[1] ?? 0;
    }
    return [x / n, y / n];
  }
  let cx = 0;
  let cy = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    const cross = a[0]! * b[1]! - b[0]! * a[1]!;
    cx += (a[0]! + b[0]!) * cross;
    cy += (a[1]! + b[1]!) * cross;
  }
  return [cx / (6 * area), cy / (6 * area)];
}

/** A closed, counter-clockwise polygon from its corner positions (the ring is closed here). */
export function polygonOf(corners: readonly Position[]): Polygon {
  const ring = corners.map((p) => [p[0]!, p[1]!]);
  const first = ring[0]!;
  ring.push([first[0]!, first[1]!]);
  if (signedArea(ring) < 0) ring.reverse();
  return { type: 'Polygon', coordinates: [ring] };
}

/** Rounds a coordinate to 7 decimals (about 1 cm in degrees), so output stays compact. */
export function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
