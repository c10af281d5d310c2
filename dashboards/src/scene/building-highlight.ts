import type { CityData, CityRegion } from '../api.ts';
import { boundsOf } from './geometry.ts';

/**
 * The buildings inside region `id`, as 1s in an array indexed like `city.buildings`: for a
 * hierarchy node, the buildings of its grid cells; for a region of another grid system
 * (policing, governance, ...), the buildings whose centre lies inside its outline. Nothing is
 * lit for the whole city or an unknown id.
 */
export function litBuildings(city: CityData, id: string): Uint8Array {
  const b = city.buildings;
  const lit = new Uint8Array(b.id.length);
  if (!id || id === 'city') return lit;
  const region = city.regions.find((r) => r.id === id);
  if (!region) return lit;
  if (region.level) {
    const grids = gridCellsUnder(city, region);
    for (let i = 0; i < lit.length; i++) if (grids.has(b.grid[i]!)) lit[i] = 1;
    return lit;
  }
  const [x0, y0, x1, y1] = boundsOf([region.ring]);
  for (let i = 0; i < lit.length; i++) {
    const x = b.x[i]!;
    const y = b.y[i]!;
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && insideRing(region.ring, x, y)) lit[i] = 1;
  }
  return lit;
}

/** Region indexes of the grid cells at or below a hierarchy node. */
function gridCellsUnder(city: CityData, node: CityRegion): Set<number> {
  const inside = new Set([node.id]);
  const grids = new Set<number>();
  // Regions are listed parents first, so one pass collects every descendant.
  for (const r of city.regions) {
    if (r.parent && inside.has(r.parent)) inside.add(r.id);
    if (r.level === 'grid' && inside.has(r.id)) grids.add(r.index);
  }
  return grids;
}

/** Even-odd point-in-polygon test against a flat ring [x0, y0, x1, y1, ...]. */
export function insideRing(ring: readonly number[], x: number, y: number): boolean {
  let inside = false;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[i * 2]!;
    const yi = ring[i * 2 + 1]!;
    const xj = ring[j * 2]!;
    const yj = ring[j * 2 + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
