import { DEVICE_KINDS, layerOfKind } from './layers.ts';
import { createRandom, type Random } from './random.ts';

import type { BBox } from './geo/polygon.ts';

export type { BBox } from './geo/polygon.ts';

export interface Region {
  id: string;
  name: string;
  kind: 'city' | 'district' | 'grid';
  parent?: string;
  bbox: BBox;
}

/** A device of the generated city: where it stands and what it measures. */
export interface CityDevice {
  id: string;
  kind: string;
  layer: string;
  lat: number;
  lon: number;
}

export interface GridCity {
  name: string;
  bbox: BBox;
  regions: Region[];
  devices: CityDevice[];
  /** The district and grid cell a point falls in, or an empty placement outside the city. */
  place(lat: number, lon: number): { district?: string; grid?: string };
}

export interface GridCityOptions {
  seed?: number;
  /** Number of devices to generate. */
  devices?: number;
  /** Districts per side; the city has districtsPerSide^2 districts. */
  districtsPerSide?: number;
  /** Grid cells per district side. */
  cellsPerSide?: number;
  /** Centre of the city in degrees. */
  center?: [lat: number, lon: number];
  /** City width and height in degrees. */
  spanDeg?: number;
}

/**
 * A simple generated city: a square split into districts, each split into grid cells, with
 * devices of every kind spread over it. Deterministic for a given seed.
 */
export function createGridCity(options: GridCityOptions = {}): GridCity {
  const seed = options.seed ?? 1;
  const perSide = options.districtsPerSide ?? 3;
  const cells = options.cellsPerSide ?? 4;
  const [lat0, lon0] = options.center ?? [30.25, 120.16];
  const span = options.spanDeg ?? 0.12;
  const west = lon0 - span / 2;
  const south = lat0 - span / 2;
  const bbox: BBox = [west, south, west + span, south + span];
  const districtSpan = span / perSide;
  const cellSpan = districtSpan / cells;

  const regions: Region[] = [{ id: 'city', name: 'Demo City', kind: 'city', bbox }];
  for (let row = 0; row < perSide; row++) {
    for (let col = 0; col < perSide; col++) {
      const d = districtId(row, col, perSide);
      const dw = west + col * districtSpan;
      const ds = south + row * districtSpan;
      regions.push({
        id: d,
        name: `District ${row * perSide + col + 1}`,
        kind: 'district',
        parent: 'city',
        bbox: [dw, ds, dw + districtSpan, ds + districtSpan],
      });
      for (let r = 0; r < cells; r++) {
        for (let c = 0; c < cells; c++) {
          const cw = dw + c * cellSpan;
          const cs = ds + r * cellSpan;
          regions.push({
            id: cellId(d, r, c, cells),
            name: `${d} cell ${r * cells + c + 1}`,
            kind: 'grid',
            parent: d,
            bbox: [cw, cs, cw + cellSpan, cs + cellSpan],
          });
        }
      }
    }
  }

  const place = (lat: number, lon: number) => {
    const x = (lon - west) / span;
    const y = (lat - south) / span;
    if (!(x >= 0 && x < 1 && y >= 0 && y < 1)) return {};
    const col = Math.floor(x * perSide);
    const row = Math.floor(y * perSide);
    const d = districtId(row, col, perSide);
    const c = Math.min(cells - 1, Math.floor((x * perSide - col) * cells));
    const r = Math.min(cells - 1, Math.floor((y * perSide - row) * cells));
    return { district: d, grid: cellId(d, r, c, cells) };
  };

  const random = createRandom(seed);
  const devices = generateDevices(options.devices ?? 200, bbox, random);
  return { name: 'Demo City', bbox, regions, devices, place };
}

function districtId(row: number, col: number, perSide: number): string {
  return `d${String(row * perSide + col + 1).padStart(2, '0')}`;
}

function cellId(district: string, r: number, c: number, cells: number): string {
  return `${district}-g${String(r * cells + c + 1).padStart(2, '0')}`;
}

function generateDevices(count: number, bbox: BBox, random: Random): CityDevice[] {
  const devices: CityDevice[] = [];
  const [west, south, east, north] = bbox;
  for (let i = 0; i < count; i++) {
    const kind = DEVICE_KINDS[i % DEVICE_KINDS.length]!;
    devices.push({
      id: `${kind}-${String(Math.floor(i / DEVICE_KINDS.length) + 1).padStart(4, '0')}`,
      kind,
      layer: layerOfKind(kind)!.id,
      lat: round6(south + random() * (north - south)),
      lon: round6(west + random() * (east - west)),
    });
  }
  return devices;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
