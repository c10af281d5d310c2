// A building footprint reduced to the oriented box the twin draws.
import type { Polygon } from 'geojson';
import type { Projection } from '../geo/projection.ts';
import type { Building } from './model.ts';

/** The footprint as an oriented box: aligned with its longest edge, spanning all its corners. */
export function orientedBox(
  polygon: Polygon,
  projection: Projection,
): Omit<Building, 'id' | 'grid' | 'heightM'> {
  const ring = (polygon.coordinates[0] ?? []).map(([lon, lat]) => projection.toLocal(lon!, lat!));
  let angle = 0;
  let longest = -1;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax, ay] = ring[i]!;
    const [bx, by] = ring[i + 1]!;
    const length = Math.hypot(bx - ax, by - ay);
    if (length > longest) {
      longest = length;
      angle = Math.atan2(by - ay, bx - ax);
    }
  }
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  let [u0, u1, v0, v1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of ring) {
    const u = x * c + y * s;
    const v = -x * s + y * c;
    [u0, u1, v0, v1] = [Math.min(u0, u), Math.max(u1, u), Math.min(v0, v), Math.max(v1, v)];
  }
  const [uc, vc] = [(u0 + u1) / 2, (v0 + v1) / 2];
  const r1 = (v: number) => Math.round(v * 10) / 10;
  return {
    x: r1(uc * c - vc * s),
    y: r1(uc * s + vc * c),
    widthM: r1(u1 - u0),
    depthM: r1(v1 - v0),
    angleRad: Math.round(angle * 1e4) / 1e4,
  };
}
