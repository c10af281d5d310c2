import Flatbush from 'flatbush';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Polygon } from 'geojson';
import { bboxOfPolygon } from '../geo/polygon.ts';

/** One polygon of a grid system (or of the administrative hierarchy), in lon/lat. */
export interface GridRegion {
  id: string;
  name: string;
  polygon: Polygon;
}

/**
 * A set of polygons that covers the city once, run by one department: city operations,
 * policing, comprehensive governance, utilities, or any other.
 */
export interface GridSystem {
  id: string;
  name: string;
  regions: GridRegion[];
}

/** Finds the region a point falls in, through a packed R-tree of the regions' boxes. */
export interface RegionIndex {
  /**
   * The index (into the regions given) of the region holding the point, or -1 outside all.
   * A point on a border shared by several regions goes to the one listed first, so every
   * point has exactly one answer.
   */
  locate(lon: number, lat: number): number;
}

export function createRegionIndex(regions: readonly GridRegion[]): RegionIndex {
  if (regions.length === 0) return { locate: () => -1 };
  const tree = new Flatbush(regions.length);
  for (const region of regions) {
    const [w, s, e, n] = bboxOfPolygon(region.polygon);
    tree.add(w, s, e, n);
  }
  tree.finish();
  return {
    locate(lon, lat) {
      const candidates = tree.search(lon, lat, lon, lat);
      let best = -1;
      for (const i of candidates) {
        if (best !== -1 && i > best) continue;
        if (booleanPointInPolygon([lon, lat], regions[i]!.polygon)) best = i;
      }
      return best;
    },
  };
}
