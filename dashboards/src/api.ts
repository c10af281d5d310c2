import type { LegendStop, NodeLevel, RollupCounts } from '@sensegrid/twin';
import { fetchSigned } from './auth/session.ts';

/** One region of `/api/city`: its outline in local metres as flat [x0, y0, x1, y1, ...]. */
export interface CityRegion {
  index: number;
  id: string;
  name: string;
  level?: NodeLevel;
  system?: string;
  parent?: string;
  ring: number[];
}

/** `/api/city`: geometry in local metres (x east, y north of `origin`). */
export interface CityData {
  name: string;
  origin: [number, number];
  systems: { id: string; name: string }[];
  regions: CityRegion[];
  buildings: {
    id: string[];
    grid: number[];
    x: number[];
    y: number[];
    w: number[];
    d: number[];
    a: number[];
    h: number[];
  };
  streets: { kind: 'arterial' | 'secondary' | 'minor'; points: number[] }[];
  water: number[][];
  bridges: { id: string; x: number; y: number; lengthM: number; angleRad: number }[];
}

/** `/api/sensors`: the sensor table; a sensor's position here is its index in frames. */
export interface SensorTableData {
  version: number;
  id: string[];
  kind: string[];
  layer: string[];
  x: (number | null)[];
  y: (number | null)[];
  z: number[];
  building: (string | null)[];
  grid: (string | null)[];
}

export interface LayerInfo {
  index: number;
  id: string;
  name: string;
  colors: string[];
  sensors: number;
  metrics: { name: string; unit: string; normal: [number, number]; scale: [number, number] }[];
  legend?: { unit: string; stops: LegendStop[] };
}

export interface SensorDetail {
  index: number;
  id: string;
  kind: string;
  layer: string;
  layerName: string;
  building: string | null;
  status: string;
  lastSeen: number | null;
  values: Record<string, number>;
  units: Record<string, string>;
  path: { id: string; name: string; level: string }[];
  systems: {
    system: string;
    systemName: string;
    region: string | null;
    regionName: string | null;
  }[];
}

export interface RegionDetail {
  id: string;
  name: string;
  level: string | null;
  system: string | null;
  path: { id: string; name: string; level: string }[];
  total: RollupCounts;
  layers: (RollupCounts & {
    layer: string;
    layerName: string;
    metrics: {
      metric: string;
      unit: string;
      count: number;
      mean: number;
      min: number;
      max: number;
      p95: number;
    }[];
  })[];
  children: (RollupCounts & { id: string; name: string; level: string })[];
  buildings: string[];
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetchSigned(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export const api = {
  city: () => getJson<CityData>('/api/city'),
  sensors: () => getJson<SensorTableData>('/api/sensors'),
  layers: async () => (await getJson<{ layers: LayerInfo[] }>('/api/layers')).layers,
  region: (id: string) => getJson<RegionDetail>(`/api/regions/${encodeURIComponent(id)}`),
  sensor: (id: string) => getJson<SensorDetail>(`/api/sensors/${encodeURIComponent(id)}`),
  series: (device: string, metric: string, from: number, to: number, points = 240) =>
    getJson<{ points: [number, number][] }>(
      `/api/series?device=${encodeURIComponent(device)}&metric=${metric}&from=${from}&to=${to}&points=${points}`,
    ),
  snapshot: async () =>
    new Uint8Array(await (await fetchSigned('/api/twin/snapshot')).arrayBuffer()),
};
