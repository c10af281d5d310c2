import { OPERATIONS_SYSTEM, type CityModel, type NodeLevel } from '@sensegrid/twin';
import type { Polygon } from 'geojson';

/** A region the console can shade: a hierarchy node or a grid-system region. */
export interface TableRegion {
  /** Its index in frames. */
  index: number;
  id: string;
  name: string;
  /** Hierarchy level, for nodes of the hierarchy. */
  level?: NodeLevel;
  /** Grid system, for regions of a grid system (grid cells belong to "operations"). */
  system?: string;
  parent?: string;
  polygon: Polygon;
}

/** Every region in one numbered table: the hierarchy first, then the other grid systems. */
export class RegionTable {
  readonly regions: TableRegion[] = [];
  private readonly byId = new Map<string, TableRegion>();

  constructor(city: CityModel) {
    for (const node of city.nodes) {
      this.push({
        id: node.id,
        name: node.name,
        level: node.level,
        ...(node.level === 'grid' ? { system: OPERATIONS_SYSTEM } : {}),
        ...(node.parent ? { parent: node.parent } : {}),
        polygon: node.polygon,
      });
    }
    for (const system of city.gridSystems) {
      if (system.id === OPERATIONS_SYSTEM) continue;
      for (const region of system.regions) {
        this.push({ id: region.id, name: region.name, system: system.id, polygon: region.polygon });
      }
    }
  }

  get(id: string): TableRegion | undefined {
    return this.byId.get(id);
  }

  private push(region: Omit<TableRegion, 'index'>): void {
    const entry = { index: this.regions.length, ...region };
    this.regions.push(entry);
    this.byId.set(entry.id, entry);
  }
}
