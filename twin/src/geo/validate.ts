import type { Position } from 'geojson';
import { signedArea } from './polygon.ts';

/**
 * What is wrong with a GeoJSON Polygon's coordinates, in words a person can act on, or
 * undefined when it is a valid polygon (closed rings of 4+ lon/lat positions, non-zero area,
 * no edge crossing another).
 */
export function polygonProblem(coordinates: unknown): string | undefined {
  if (!Array.isArray(coordinates) || coordinates.length === 0) {
    return 'coordinates must be an array of rings (the outer ring first)';
  }
  for (let r = 0; r < coordinates.length; r++) {
    const problem = ringProblem(coordinates[r]);
    if (problem) return r === 0 ? `outer ring: ${problem}` : `hole ${r}: ${problem}`;
  }
  return undefined;
}

export function positionProblem(p: unknown): string | undefined {
  if (!Array.isArray(p) || p.length < 2) return 'a position is [lon, lat]';
  const [lon, lat] = p as unknown[];
  if (
    typeof lon !== 'number' ||
    typeof lat !== 'number' ||
    !Number.isFinite(lon) ||
    !Number.isFinite(lat)
  ) {
    return `position ${JSON.stringify(p)} is not two finite numbers`;
  }
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    return `position [${lon}, ${lat}] is outside [-180..180, -90..90]; GeoJSON is [lon, lat] in degrees (is it projected, or swapped?)`;
  }
  return undefined;
}

function ringProblem(ring: unknown): string | undefined {
  if (!Array.isArray(ring)) return 'a ring must be an array of positions';
  if (ring.length < 4)
    return `a ring needs at least 4 positions (a closed triangle), got ${ring.length}`;
  for (const p of ring) {
    const problem = positionProblem(p);
    if (problem) return problem;
  }
  const positions = ring as Position[];
  const first = positions[0]!;
  const last = positions[positions.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    return `the ring is not closed: it starts at [${first[0]}, ${first[1]}] but ends at [${last[0]}, ${last[1]}]; repeat the first position at the end`;
  }
  const crossing = selfCrossing(positions);
  if (crossing)
    return `the ring crosses itself (edges ${crossing[0]} and ${crossing[1]}); fix the vertex order`;
  if (Math.abs(signedArea(positions)) < 1e-14)
    return 'the ring has no area (all its positions lie on one line)';
  return undefined;
}

/** The first pair of non-adjacent edges that cross, by a direct O(n^2) check. */
function selfCrossing(ring: readonly Position[]): [number, number] | undefined {
  const n = ring.length - 1;
  if (n > 2000) return undefined; // too large to check directly; trust the source
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // these two share the closing vertex
      if (segmentsCross(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) return [i, j];
    }
  }
  return undefined;
}

function segmentsCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

function orient(a: Position, b: Position, c: Position): number {
  return Math.sign((b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!));
}
