import { createRegionIndex, type GridRegion, type RegionIndex } from './grid-system.ts';
import {
  NODE_LEVELS,
  type Building,
  type CityModel,
  type CityNode,
  type NodeLevel,
} from './model.ts';

/** Where a point sits: its hierarchy nodes and its region in every grid system. */
export interface CityPlacement {
  district?: string;
  subdistrict?: string;
  grid?: string;
  /** Grid system id to region id; a system whose regions miss the point is left out. */
  systems: Record<string, string>;
}

/** Look-ups over a city model: nodes, children, ancestors, and point placement. */
export interface CityIndex {
  readonly model: CityModel;
  node(id: string): CityNode | undefined;
  children(id: string): readonly CityNode[];
  /** The node and its ancestors, the city first. */
  path(id: string): CityNode[];
  building(id: string): Building | undefined;
  buildingsOf(gridId: string): readonly Building[];
  /** A grid system's region by id (hierarchy nodes included under "operations"). */
  region(systemId: string, regionId: string): GridRegion | undefined;
  /**
   * Places a point, [lat, lon] in degrees, by point-in-polygon. The hierarchy is placed at its
   * deepest level and filled upwards, so the district always holds the grid cell.
   */
  place(lat: number, lon: number): CityPlacement;
}

export function createCityIndex(model: CityModel): CityIndex {
  const nodes = new Map(model.nodes.map((n) => [n.id, n]));
  const children = new Map<string, CityNode[]>();
  for (const node of model.nodes) {
    if (node.parent === undefined) continue;
    let list = children.get(node.parent);
    if (!list) children.set(node.parent, (list = []));
    list.push(node);
  }
  const buildings = new Map(model.buildings.map((b) => [b.id, b]));
  const buildingsByGrid = new Map<string, Building[]>();
  for (const b of model.buildings) {
    let list = buildingsByGrid.get(b.grid);
    if (!list) buildingsByGrid.set(b.grid, (list = []));
    list.push(b);
  }

  const levels: { level: NodeLevel; nodes: CityNode[]; index: RegionIndex }[] = [];
  for (const level of [...NODE_LEVELS].reverse()) {
    const atLevel = model.nodes.filter((n) => n.level === level);
    if (atLevel.length > 0)
      levels.push({ level, nodes: atLevel, index: createRegionIndex(atLevel) });
  }
  const systems = model.gridSystems.map((system) => ({
    system,
    byId: new Map(system.regions.map((r) => [r.id, r])),
    index: createRegionIndex(system.regions),
  }));

  const path = (id: string): CityNode[] => {
    const chain: CityNode[] = [];
    for (let node = nodes.get(id); node; node = node.parent ? nodes.get(node.parent) : undefined) {
      chain.push(node);
      if (chain.length > NODE_LEVELS.length) break;
    }
    return chain.reverse();
  };

  return {
    model,
    node: (id) => nodes.get(id),
    children: (id) => children.get(id) ?? [],
    path,
    building: (id) => buildings.get(id),
    buildingsOf: (grid) => buildingsByGrid.get(grid) ?? [],
    region: (systemId, regionId) =>
      systems.find((s) => s.system.id === systemId)?.byId.get(regionId),
    place(lat, lon) {
      const placement: CityPlacement = { systems: {} };
      for (const { nodes: atLevel, index } of levels) {
        const found = index.locate(lon, lat);
        if (found < 0) continue;
        for (const node of path(atLevel[found]!.id)) {
          if (node.level === 'district') placement.district = node.id;
          else if (node.level === 'subdistrict') placement.subdistrict = node.id;
          else if (node.level === 'grid') placement.grid = node.id;
        }
        break;
      }
      for (const { system, index } of systems) {
        const found = index.locate(lon, lat);
        if (found >= 0) placement.systems[system.id] = system.regions[found]!.id;
      }
      return placement;
    },
  };
}
