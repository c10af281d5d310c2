/** One timestamped set of metric values from one device. */
export interface Reading {
  /** The device that produced it. */
  device: string;
  /** Epoch milliseconds: the device's timestamp, or the gateway's receive time when absent. */
  ts: number;
  /** Per-device counter, when the device sends one. */
  seq?: number;
  /** Metric name to value. Booleans arrive as 0/1. */
  values: Record<string, number>;
}

/** Where a device sits in the city, as stored tags. */
export interface Placement {
  district?: string;
  grid?: string;
  layer?: string;
}

/** A reading as it travels to the store: the reading plus the device's placement at ingest. */
export interface PlacedReading extends Reading {
  tags: Placement;
}

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const METRIC_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

export function isDeviceId(value: string): boolean {
  return DEVICE_ID_PATTERN.test(value);
}

export function isMetricName(value: string): boolean {
  return METRIC_NAME_PATTERN.test(value);
}
