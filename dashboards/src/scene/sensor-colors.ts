import {
  LAYERS,
  METRICS,
  STATUS_COLORS,
  colorTable,
  hexToRgb,
  scaleFraction,
  SENSOR_STATUSES,
} from '@sensegrid/twin';

const LUT_SIZE = 256;
/** three.js blends in linear light; the scales are sRGB colours. */
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const toLinear = <T extends ArrayLike<number> & { [i: number]: number }>(rgb: T): T => {
  for (let i = 0; i < rgb.length; i++) rgb[i] = linear(rgb[i]!);
  return rgb;
};
const LUTS = new Map<string, Float32Array>(
  LAYERS.map((l) => [l.id, toLinear(colorTable(l.colors, LUT_SIZE))]),
);
const STATUS_RGB = SENSOR_STATUSES.map((s) => toLinear(hexToRgb(STATUS_COLORS[s])));
const DIM: [number, number, number] = toLinear([0.3, 0.35, 0.44]);

/** The first metric of each layer: the one that colours its sensors. */
export const PRIMARY_METRIC = new Map<string, number>(
  LAYERS.map((l) => [l.id, METRICS.find((m) => m.layer === l.id)?.index ?? -1]),
);

/**
 * Writes a sensor's colour into `out` at `offset`: by value on the focus layer's colour scale,
 * else by status; sensors of other layers are dimmed so the focus layer stands out.
 */
export function writeSensorColor(
  out: Float32Array,
  offset: number,
  layer: string,
  focusLayer: string,
  byValue: boolean,
  status: number,
  values: Float32Array,
  valueBase: number,
): void {
  let rgb: ArrayLike<number> = STATUS_RGB[status] ?? DIM;
  let start = 0;
  if (layer !== focusLayer) {
    rgb = status === 1 ? DIM : (STATUS_RGB[status] ?? DIM);
  } else if (byValue && status !== 0) {
    const metric = PRIMARY_METRIC.get(layer) ?? -1;
    const value = metric >= 0 ? values[valueBase + metric]! : NaN;
    if (!Number.isNaN(value)) {
      rgb = LUTS.get(layer)!;
      start = Math.round(scaleFraction(METRICS[metric]!, value) * (LUT_SIZE - 1)) * 3;
    }
  }
  out[offset] = rgb[start]!;
  out[offset + 1] = rgb[start + 1]!;
  out[offset + 2] = rgb[start + 2]!;
}

/** Colour of a region by the mean of its focus-layer metric on the layer's scale. */
export function valueColor(layer: string, value: number): [number, number, number] {
  const metric = METRICS[PRIMARY_METRIC.get(layer) ?? -1];
  const lut = LUTS.get(layer);
  if (!metric || !lut) return DIM;
  const i = Math.round(scaleFraction(metric, value) * (LUT_SIZE - 1)) * 3;
  return [lut[i]!, lut[i + 1]!, lut[i + 2]!];
}
