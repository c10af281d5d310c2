import type { Position } from 'geojson';
import type { CityDevice } from '../city.ts';
import type { BBox } from '../geo/polygon.ts';
import type { GridRegion, GridSystem } from './grid-system.ts';

/** Levels of the administrative hierarchy; buildings and sensors hang below grid cells. */
export type NodeLevel = 'city' | 'district' | 'subdistrict' | 'grid';

export const NODE_LEVELS: readonly NodeLevel[] = ['city', 'district', 'subdistrict', 'grid'];

/** A node of the hierarchy city -> district -> subdistrict -> grid cell, with its outline. */
export interface CityNode extends GridRegion {
  level: NodeLevel;
  /** Absent only for the city. */
  parent?: string;
}

/**
 * A building as the console draws it: an oriented box on the ground. Positions are local
 * metres (x east, y north of the city origin).
 */
export interface Building {
  id: string;
  /** The grid cell the building stands in. */
  grid: string;
  x: number;
  y: number;
  widthM: number;
  depthM: number;
  /** Rotation of the width axis from east, counter-clockwise, in radians. */
  angleRad: number;
  heightM: number;
}

/** Where a sensor is mounted, which also says why it is there. */
export type SensorSite = 'road' | 'pipe' | 'bridge' | 'building' | 'roof' | 'street' | 'plaza';

/** A sensor of the city: a device (id, kind, layer, lat, lon) plus where it sits in 3D. */
export interface CitySensor extends CityDevice {
  /** Local metres east of the origin. */
  x: number;
  /** Local metres north of the origin. */
  y: number;
  /** Metres above ground. */
  z: number;
  site: SensorSite;
  /** The building it is mounted on or in. */
  building?: string;
}

export type StreetKind = 'arterial' | 'secondary' | 'minor';

/** A polyline in local metres. */
export interface Street {
  kind: StreetKind;
  points: [x: number, y: number][];
}

export interface Bridge {
  id: string;
  x: number;
  y: number;
  lengthM: number;
  /** Direction of the deck from east, counter-clockwise, in radians. */
  angleRad: number;
}

/** Everything the twin knows of a city: geometry, hierarchy, grid systems and sensors. */
export interface CityModel {
  name: string;
  /** Origin of the local metre coordinates, [lon, lat]. */
  origin: [lon: number, lat: number];
  /** In degrees. */
  bbox: BBox;
  /** The hierarchy, parents before children; the first node is the city. */
  nodes: CityNode[];
  /** The grid systems; the city-operations system's regions are the hierarchy's grid cells. */
  gridSystems: GridSystem[];
  buildings: Building[];
  streets: Street[];
  /** Water mains (polylines in local metres). */
  pipes: Street[];
  /** Rivers and lakes as closed rings in local metres. */
  water: Position[][];
  bridges: Bridge[];
  sensors: CitySensor[];
}

/** The id of the grid system whose regions are the hierarchy's grid cells. */
export const OPERATIONS_SYSTEM = 'operations';
