import { LAYERS, type MetricSpec } from '@sensegrid/twin';

/** The bounds a metric must stay within; a trend toward one of them is a risk. */
export interface MetricLimit {
  metric: string;
  unit: string;
  /** Passing above this is a risk (undefined: high values are harmless). */
  upper?: number;
  /** Falling below this is a risk (undefined: low values are harmless). */
  lower?: number;
}

/**
 * Limits that mean harm, not the edge of ordinary days (which the normal ranges in
 * @sensegrid/twin describe): air-quality and noise standards, fire-detector and structural
 * thresholds, service levels of the networks.
 */
const LIMITS: [metric: string, upper: number | undefined, lower: number | undefined][] = [
  // GB 3095-2012 grade II 24-hour limits; NO2 its 1-hour limit.
  ['pm25', 75, undefined],
  ['pm10', 150, undefined],
  ['no2', 200, undefined],
  // Prolonged exposure above 85 dB(A) harms hearing.
  ['noise_db', 85, undefined],
  ['occupancy', 60, undefined],
  // Minimum service pressure; mains bursts show first as falling pressure.
  ['pressure_bar', undefined, 2],
  ['flow_lps', 100, undefined],
  // EN 50160: 230 V +- 10 %.
  ['voltage_v', 253, 207],
  ['load_kw', 1000, undefined],
  // Smoke alarms trip around 10 ppm; fixed-temperature heat detectors at 57 degC.
  ['smoke_ppm', 10, undefined],
  ['temp_c', 57, undefined],
  ['tilt_mrad', 5, -5],
  // DIN 4150-3 guide value for sensitive structures.
  ['vibration_mms', 5, undefined],
  // Crowd density where crushing becomes possible.
  ['people_per_m2', 4, undefined],
  ['rain_mmh', 30, undefined],
];

const UNITS = new Map<string, MetricSpec>(
  LAYERS.flatMap((layer) => layer.metrics.map((m) => [m.name, m])),
);

/** The default limits of trending risk, per metric. */
export const DEFAULT_LIMITS: ReadonlyMap<string, MetricLimit> = new Map(
  LIMITS.map(([metric, upper, lower]) => [
    metric,
    {
      metric,
      unit: UNITS.get(metric)?.unit ?? '',
      ...(upper !== undefined ? { upper } : {}),
      ...(lower !== undefined ? { lower } : {}),
    },
  ]),
);

/** The width of a metric's normal range (1 when unknown): the scale of its smallest shift. */
export function normalSpan(metric: string): number {
  const spec = UNITS.get(metric);
  return spec ? spec.normal[1] - spec.normal[0] || 1 : 1;
}

/**
 * The family of hazard a metric speaks of. Cross-layer risk needs findings of two families:
 * the layer, except that fire's smoke and heat are told apart (a fire shows both).
 */
export function familyOf(layer: string, metric: string): string {
  if (metric === 'smoke_ppm') return 'smoke';
  if (metric === 'temp_c') return 'heat';
  return layer;
}
