import { createRandom, gaussian, hashSeed, layerOfKind } from '@sensegrid/twin';
import type { MetricSpec } from '@sensegrid/twin';
import {
  ambientDay,
  bump,
  clamp01,
  crowdActivity,
  daytime,
  localTime,
  powerLoad,
  season,
  trafficActivity,
  waterDemand,
} from './daily-profiles.ts';
import type { LocalTime } from './daily-profiles.ts';

/** What the signal model needs to know about a device. */
export interface SignalDevice {
  id: string;
  kind: string;
  /** Longitude in degrees: sets the device's local solar time. */
  lon: number;
}

export interface SignalOptions {
  seed: number;
  /** Share of one-minute slots in which a device reports nothing (0 disables gaps). */
  gapRate?: number;
}

/** Metric name to value, as a reading carries them. */
export type SignalValues = Record<string, number>;

/** Share of one-minute slots a device skips by default: a few minutes a day. */
export const DEFAULT_GAP_RATE = 0.005;
const GAP_SLOT_MS = 60_000;
const DRIFT_PERIOD_MS = 15 * 60_000;
const RAIN_PERIOD_MS = 3 * 3_600_000;

/** How a metric wanders around its daily shape, as fractions of its normal range. */
interface Variation {
  noise: number;
  drift: number;
  bias: number;
}

const DEFAULT_VARIATION: Variation = { noise: 0.03, drift: 0.08, bias: 0.06 };
const VARIATION: Record<string, Variation> = {
  smoke_ppm: { noise: 0.01, drift: 0.02, bias: 0.02 },
  tilt_mrad: { noise: 0.01, drift: 0.02, bias: 0.2 },
  voltage_v: { noise: 0.04, drift: 0.04, bias: 0.05 },
  rain_mmh: { noise: 0.005, drift: 0, bias: 0 },
  temperature_c: { noise: 0.01, drift: 0.04, bias: 0.02 },
};

/**
 * The value a device reports for one metric at a moment: the metric's daily shape for the
 * device kind, a per-device bias, a slow drift and noise, kept inside the metric's normal range.
 * A pure function: the same device, metric, time and seed always give the same value.
 */
export function signalValue(
  device: SignalDevice,
  metric: MetricSpec,
  tMs: number,
  seed: number,
): number {
  const t = localTime(tMs, device.lon);
  return valueOf(metricKey(device.id, metric.name, seed), metric, t, tMs, hashSeed('rain', seed));
}

/** Whether a device skips its reading at this moment (a pure function of device, time, seed). */
export function isGap(deviceId: string, tMs: number, seed: number, gapRate = DEFAULT_GAP_RATE) {
  if (gapRate <= 0) return false;
  return uniformAt(hashSeed(`${deviceId}|gap`, seed), Math.floor(tMs / GAP_SLOT_MS)) < gapRate;
}

/** Every metric of the device's layer at one moment, or undefined when the device skips it. */
export function sampleDevice(
  device: SignalDevice,
  tMs: number,
  options: SignalOptions,
): SignalValues | undefined {
  return createDeviceSignals(device, options)(tMs);
}

/**
 * A sampler for one device with its hashes worked out once; equivalent to `sampleDevice`.
 * Throws when the device kind belongs to no sensing layer.
 */
export function createDeviceSignals(
  device: SignalDevice,
  options: SignalOptions,
): (tMs: number) => SignalValues | undefined {
  const layer = layerOfKind(device.kind);
  if (!layer || layer.metrics.length === 0) {
    throw new Error(
      `SENSEGRID_SIM_UNKNOWN_KIND: device ${device.id} has kind "${device.kind}", which no ` +
        `sensing layer measures. Use one of the kinds in @sensegrid/twin DEVICE_KINDS.`,
    );
  }
  const { seed } = options;
  const gapRate = options.gapRate ?? DEFAULT_GAP_RATE;
  const gapKey = hashSeed(`${device.id}|gap`, seed);
  const rainKey = hashSeed('rain', seed);
  const metrics = layer.metrics.map((spec) => ({
    spec,
    key: metricKey(device.id, spec.name, seed),
  }));
  return (tMs) => {
    if (gapRate > 0 && uniformAt(gapKey, Math.floor(tMs / GAP_SLOT_MS)) < gapRate) return undefined;
    const t = localTime(tMs, device.lon);
    const values: SignalValues = {};
    for (const { spec, key } of metrics) values[spec.name] = valueOf(key, spec, t, tMs, rainKey);
    return values;
  };
}

function valueOf(key: number, spec: MetricSpec, t: LocalTime, tMs: number, rainKey: number) {
  const v = VARIATION[spec.name] ?? DEFAULT_VARIATION;
  const bias = (createRandom(mix(key, 0xb1a5))() * 2 - 1) * v.bias;
  const drift = v.drift === 0 ? 0 : smoothNoise(key, tMs, DRIFT_PERIOD_MS) * v.drift;
  const noise = gaussianAt(key, Math.floor(tMs)) * v.noise;
  const rain = rainLevel(rainKey, tMs);
  const level = clamp01(baseLevel(spec.name, t, rain) + bias + drift + noise);
  const [min, max] = spec.normal;
  return roundFor(min + level * (max - min), max - min);
}

/** The metric's daily shape in [0, 1] of its normal range, before device and noise effects. */
function baseLevel(metric: string, t: LocalTime, rain: number): number {
  switch (metric) {
    case 'pm25':
    case 'pm10':
      return 0.2 + 0.3 * trafficActivity(lagged(t, 1)) + 0.2 * bump(t.hour, 5, 2.5) - 0.15 * rain;
    case 'no2':
      return 0.15 + 0.65 * trafficActivity(lagged(t, 0.5));
    case 'noise_db':
      return 0.15 + 0.4 * daytime(t) + 0.35 * trafficActivity(t);
    case 'flow_vph':
      return trafficActivity(t);
    case 'occupancy':
      return trafficActivity(t) ** 1.5;
    case 'speed_kmh':
      return 0.95 - 0.8 * trafficActivity(t) ** 2 - 0.1 * rain;
    case 'flow_lps':
      return waterDemand(t);
    case 'pressure_bar':
      return 0.85 - 0.5 * waterDemand(t);
    case 'load_kw':
      return powerLoad(t);
    case 'voltage_v':
      return 0.65 - 0.3 * powerLoad(t);
    case 'smoke_ppm':
      return 0.04;
    case 'temp_c':
      return 0.3 + 0.15 * season(t) + 0.2 * ambientDay(t);
    case 'tilt_mrad':
      return 0.5 + 0.03 * ambientDay(t);
    case 'vibration_mms':
      return 0.08 + 0.5 * trafficActivity(t);
    case 'people_per_m2':
      return crowdActivity(t);
    case 'temperature_c':
      return 0.1 + 0.55 * season(t) + 0.3 * ambientDay(t) - 0.1 * rain;
    case 'humidity_pct':
      return 0.75 - 0.35 * ambientDay(t) + 0.3 * rain;
    case 'rain_mmh':
      return rain;
    default:
      return 0.35 + 0.3 * daytime(t);
  }
}

function lagged(t: LocalTime, hours: number): LocalTime {
  return { ...t, hour: (t.hour - hours + 24) % 24 };
}

/** City-wide rain in [0, 1]: dry most of the time, showers lasting hours. */
function rainLevel(rainKey: number, tMs: number): number {
  const wet = (smoothNoise(rainKey, tMs, RAIN_PERIOD_MS) - 0.4) / 0.6;
  return wet <= 0 ? 0 : wet * wet;
}

function metricKey(deviceId: string, metric: string, seed: number): number {
  return hashSeed(`${deviceId}|${metric}`, seed);
}

/** Smooth noise in [-1, 1]: random knots every `periodMs`, eased in between. */
function smoothNoise(key: number, tMs: number, periodMs: number): number {
  const x = tMs / periodMs;
  const k = Math.floor(x);
  const f = x - k;
  const s = f * f * (3 - 2 * f);
  const a = uniformAt(key, k) * 2 - 1;
  const b = uniformAt(key, k + 1) * 2 - 1;
  return a + (b - a) * s;
}

function uniformAt(key: number, n: number): number {
  return createRandom(mixInteger(key, n))();
}

function gaussianAt(key: number, n: number): number {
  return gaussian(createRandom(mixInteger(key, n)));
}

/** Mixes an integer that may exceed 32 bits (epoch milliseconds) into a 32-bit key. */
function mixInteger(key: number, n: number): number {
  return mix(mix(key, n >>> 0), Math.floor(n / 4294967296) >>> 0);
}

/** murmur3's finaliser over a combination of two 32-bit values. */
function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function roundFor(value: number, span: number): number {
  const scale = span < 10 ? 1000 : span < 200 ? 100 : 10;
  return Math.round(value * scale) / scale;
}
