import { BufferAttribute, BufferGeometry, ShapeUtils, Vector2 } from 'three';
import type { CityData, CityRegion } from '../api.ts';

/** Scene axes: x east, y up, z south (so north is away from the default camera). */
export const toScene = (x: number, y: number, height = 0): [number, number, number] => [
  x,
  height,
  -y,
];

/** The regions a view shows: the focus node's children, or every region of a grid system. */
export function regionsInView(city: CityData, mode: string, focus: string): CityRegion[] {
  if (mode !== 'hierarchy')
    return city.regions.filter(
      (r) => r.system === mode && (mode !== 'operations' || r.level === 'grid'),
    );
  const node = city.regions.find((r) => r.id === focus && r.level);
  if (!node) {
    // A building: show its grid cell.
    const b = city.buildings.id.indexOf(focus);
    const grid = b >= 0 ? city.regions[city.buildings.grid[b]!] : undefined;
    return grid ? [grid] : [];
  }
  if (node.level === 'grid') return [node];
  return city.regions.filter((r) => r.parent === focus && r.level);
}

/** The parent of a hierarchy node or building (undefined for the city). */
export function parentOf(city: CityData, id: string): string | undefined {
  const node = city.regions.find((r) => r.id === id);
  if (node) return node.parent;
  const b = city.buildings.id.indexOf(id);
  return b >= 0 ? city.regions[city.buildings.grid[b]!]?.id : undefined;
}

/** [minX, minY, maxX, maxY] of flat rings, in local metres. */
export function boundsOf(rings: readonly number[][]): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i += 2) {
      x0 = Math.min(x0, ring[i]!);
      x1 = Math.max(x1, ring[i]!);
      y0 = Math.min(y0, ring[i + 1]!);
      y1 = Math.max(y1, ring[i + 1]!);
    }
  }
  return [x0, y0, x1, y1];
}

/**
 * One geometry for many region fills (one draw call), with per-vertex colours and a map
 * from triangle to region, so a click finds its region and a rollup recolours in place.
 */
export function mergeRegionFills(regions: readonly CityRegion[], height: number) {
  const positions: number[] = [];
  const triangleRegion: number[] = [];
  const vertexRange: [start: number, count: number][] = [];
  regions.forEach((region, r) => {
    const contour: Vector2[] = [];
    for (let i = 0; i + 1 < region.ring.length; i += 2)
      contour.push(new Vector2(region.ring[i], region.ring[i + 1]));
    const start = positions.length / 3;
    for (const [a, b, c] of ShapeUtils.triangulateShape(contour, [])) {
      for (const k of [a, b, c]) positions.push(...toScene(contour[k!]!.x, contour[k!]!.y, height));
      triangleRegion.push(r);
    }
    vertexRange.push([start, positions.length / 3 - start]);
  });
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(new Float32Array(positions), 3));
  geometry.setAttribute('color', new BufferAttribute(new Float32Array(positions.length), 3));
  geometry.computeBoundingSphere();
  return { geometry, triangleRegion, vertexRange };
}

/** Region outlines as one line-segment geometry. */
export function mergeOutlines(rings: readonly number[][], height: number): BufferGeometry {
  const positions: number[] = [];
  for (const ring of rings) {
    const n = ring.length / 2;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      positions.push(
        ...toScene(ring[i * 2]!, ring[i * 2 + 1]!, height),
        ...toScene(ring[j * 2]!, ring[j * 2 + 1]!, height),
      );
    }
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(new Float32Array(positions), 3));
  return geometry;
}
