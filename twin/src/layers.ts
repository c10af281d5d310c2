/** A metric a sensing layer measures. */
export interface MetricSpec {
  name: string;
  unit: string;
  /** Typical values in normal operation. */
  normal: [min: number, max: number];
  /** Values a working sensor can physically report; outside this the reading is suspect. */
  physical: [min: number, max: number];
}

/** A sensing layer: a family of sensors, what they measure, and how the console colours them. */
export interface LayerSpec {
  id: LayerId;
  name: string;
  /** Device kinds that belong to this layer. */
  kinds: string[];
  metrics: MetricSpec[];
  /** Colour stops from low to high, as CSS hex colours. */
  colors: string[];
}

export type LayerId =
  | 'air'
  | 'noise'
  | 'traffic'
  | 'water'
  | 'power'
  | 'fire'
  | 'structure'
  | 'crowd'
  | 'weather'
  | 'netsec';

const GREEN_TO_RED = ['#1a9850', '#91cf60', '#fee08b', '#fc8d59', '#d73027'];
const BLUES = ['#deebf7', '#9ecae1', '#4292c6', '#08519c'];

export const LAYERS: readonly LayerSpec[] = [
  {
    id: 'air',
    name: 'Air quality',
    kinds: ['air'],
    metrics: [
      { name: 'pm25', unit: 'ug/m3', normal: [2, 35], physical: [0, 1000] },
      { name: 'pm10', unit: 'ug/m3', normal: [5, 50], physical: [0, 2000] },
      { name: 'no2', unit: 'ug/m3', normal: [5, 60], physical: [0, 2000] },
    ],
    colors: GREEN_TO_RED,
  },
  {
    id: 'noise',
    name: 'Noise',
    kinds: ['noise'],
    metrics: [{ name: 'noise_db', unit: 'dB(A)', normal: [35, 75], physical: [0, 140] }],
    colors: GREEN_TO_RED,
  },
  {
    id: 'traffic',
    name: 'Traffic',
    kinds: ['traffic'],
    metrics: [
      { name: 'speed_kmh', unit: 'km/h', normal: [10, 60], physical: [0, 250] },
      { name: 'flow_vph', unit: 'vehicles/h', normal: [50, 1800], physical: [0, 10000] },
      { name: 'occupancy', unit: '%', normal: [0, 40], physical: [0, 100] },
    ],
    colors: GREEN_TO_RED,
  },
  {
    id: 'water',
    name: 'Water network',
    kinds: ['water'],
    metrics: [
      { name: 'pressure_bar', unit: 'bar', normal: [2.5, 5], physical: [0, 20] },
      { name: 'flow_lps', unit: 'L/s', normal: [1, 60], physical: [0, 2000] },
    ],
    colors: BLUES,
  },
  {
    id: 'power',
    name: 'Power',
    kinds: ['power'],
    metrics: [
      { name: 'load_kw', unit: 'kW', normal: [50, 800], physical: [0, 100000] },
      { name: 'voltage_v', unit: 'V', normal: [220, 240], physical: [0, 1000] },
    ],
    colors: GREEN_TO_RED,
  },
  {
    id: 'fire',
    name: 'Fire and safety',
    kinds: ['fire'],
    metrics: [
      { name: 'smoke_ppm', unit: 'ppm', normal: [0, 5], physical: [0, 10000] },
      { name: 'temp_c', unit: 'degC', normal: [10, 35], physical: [-50, 1200] },
    ],
    colors: GREEN_TO_RED,
  },
  {
    id: 'structure',
    name: 'Structural health',
    kinds: ['structure'],
    metrics: [
      { name: 'tilt_mrad', unit: 'mrad', normal: [-2, 2], physical: [-100, 100] },
      { name: 'vibration_mms', unit: 'mm/s', normal: [0, 3], physical: [0, 500] },
    ],
    colors: GREEN_TO_RED,
  },
  {
    id: 'crowd',
    name: 'Crowd density',
    kinds: ['crowd'],
    metrics: [{ name: 'people_per_m2', unit: 'people/m2', normal: [0, 2], physical: [0, 10] }],
    colors: GREEN_TO_RED,
  },
  {
    id: 'weather',
    name: 'Weather',
    kinds: ['weather'],
    metrics: [
      { name: 'temperature_c', unit: 'degC', normal: [-5, 32], physical: [-60, 60] },
      { name: 'humidity_pct', unit: '%', normal: [20, 95], physical: [0, 100] },
      { name: 'rain_mmh', unit: 'mm/h', normal: [0, 10], physical: [0, 500] },
    ],
    colors: BLUES,
  },
  {
    id: 'netsec',
    name: 'Network security',
    kinds: [],
    metrics: [{ name: 'anomalies', unit: 'events', normal: [0, 0], physical: [0, 1e9] }],
    colors: GREEN_TO_RED,
  },
];

const LAYER_BY_ID = new Map(LAYERS.map((layer) => [layer.id, layer]));
const LAYER_BY_KIND = new Map(LAYERS.flatMap((layer) => layer.kinds.map((k) => [k, layer])));

export function findLayer(id: string): LayerSpec | undefined {
  return LAYER_BY_ID.get(id as LayerId);
}

/** The layer a device kind belongs to (a kind named like a layer maps to it). */
export function layerOfKind(kind: string): LayerSpec | undefined {
  return LAYER_BY_KIND.get(kind) ?? findLayer(kind);
}

/** Device kinds the simulator and demo city know, one per sensing layer that has devices. */
export const DEVICE_KINDS = LAYERS.flatMap((layer) => layer.kinds);
