import { LAYERS, findLayer, type LayerSpec, type MetricSpec } from './layers.ts';

/** A metric with the layer it belongs to; `index` is its place in METRICS (used in frames). */
export interface MetricEntry extends MetricSpec {
  index: number;
  layer: string;
}

/** Every metric of every layer, in LAYERS order. Frames refer to metrics by index here. */
export const METRICS: readonly MetricEntry[] = LAYERS.flatMap((layer) =>
  layer.metrics.map((m) => ({ ...m, layer: layer.id })),
).map((m, index) => ({ ...m, index }));

const METRIC_BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

export function findMetric(name: string): MetricEntry | undefined {
  return METRIC_BY_NAME.get(name);
}

/** Index of a layer in LAYERS, or -1. */
export function layerIndex(id: string): number {
  return LAYERS.findIndex((l) => l.id === id);
}

/** Sensor status as frames carry it (the index is the wire value). */
export const SENSOR_STATUSES = ['unknown', 'online', 'stale', 'offline'] as const;
export type SensorStatus = (typeof SENSOR_STATUSES)[number];

/** Colours for sensor status, as CSS hex. */
export const STATUS_COLORS: Record<SensorStatus, string> = {
  unknown: '#5b6577',
  online: '#3ddc97',
  stale: '#f5b942',
  offline: '#e5484d',
};

/** Alert severities, worst first (the index is the wire value). */
export const ALERT_SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Workflow states of an alert, in the order the loop normally visits them; `cancelled` is a false alarm. */
export const ALERT_STATES = [
  'discovered',
  'dispatched',
  'in_progress',
  'resolved',
  'evaluated',
  'cancelled',
] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** States in which the condition is still being handled (`open` in the API). */
export const OPEN_STATES: readonly AlertState[] = ['discovered', 'dispatched', 'in_progress'];

/**
 * The value range a metric's colour scale spans: from the bottom of the normal range to half
 * a normal span above its top, so normal values stay green-to-yellow and excess turns red.
 */
export function scaleDomain(metric: MetricSpec): [lo: number, hi: number] {
  const [lo, hi] = metric.normal;
  const span = hi - lo || Math.max(1, Math.abs(hi));
  return [lo, hi + span / 2];
}

/** Where a value falls in the metric's scale, clamped to [0, 1]. */
export function scaleFraction(metric: MetricSpec, value: number): number {
  const [lo, hi] = scaleDomain(metric);
  const t = (value - lo) / (hi - lo);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** A CSS hex colour as [r, g, b] in 0..1. */
export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

/** The colour at fraction t of a layer's colour stops, linearly interpolated. */
export function colorAt(stops: readonly string[], t: number): [number, number, number] {
  if (stops.length === 0) return [1, 1, 1];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  if (stops.length === 1) return hexToRgb(stops[0]!);
  const a = hexToRgb(stops[i]!);
  const b = hexToRgb(stops[i + 1]!);
  const f = x - i;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/**
 * A lookup table of `size` RGB colours (0..1) over a layer's colour scale, so colouring
 * thousands of sensors per frame is an index, not an interpolation.
 */
export function colorTable(stops: readonly string[], size = 256): Float32Array {
  const table = new Float32Array(size * 3);
  for (let i = 0; i < size; i++) table.set(colorAt(stops, i / (size - 1)), i * 3);
  return table;
}

/** One stop of a legend: a value in the metric's unit and its colour. */
export interface LegendStop {
  value: number;
  color: string;
}

export interface Legend {
  layer: string;
  metric: string;
  unit: string;
  normal: [number, number];
  stops: LegendStop[];
}

/** The legend of a layer's metric: evenly spaced values over its scale with their colours. */
export function legendOf(layerId: string, metricName?: string, steps = 5): Legend | undefined {
  const layer: LayerSpec | undefined = findLayer(layerId);
  const metric = layer?.metrics.find((m) => m.name === metricName) ?? layer?.metrics[0];
  if (!layer || !metric) return undefined;
  const [lo, hi] = scaleDomain(metric);
  const stops = Array.from({ length: steps }, (_, i) => {
    const t = i / (steps - 1);
    const [r, g, b] = colorAt(layer.colors, t);
    return { value: niceRound(lo + (hi - lo) * t), color: rgbToHex(r, g, b) };
  });
  return { layer: layer.id, metric: metric.name, unit: metric.unit, normal: metric.normal, stops };
}

export function rgbToHex(r: number, g: number, b: number): string {
  const byte = (v: number) =>
    Math.round(Math.min(1, Math.max(0, v)) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${byte(r)}${byte(g)}${byte(b)}`;
}

function niceRound(value: number): number {
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  return Number(value.toFixed(digits));
}
