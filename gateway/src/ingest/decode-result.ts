import { isMetricName, type Reading } from '@sensegrid/twin';

/** Why a payload was refused; each reason is counted per device. */
export type RejectReason =
  | 'not_json'
  | 'bad_shape'
  | 'empty'
  | 'too_many_readings'
  | 'bad_metric_name'
  | 'bad_value'
  | 'bad_timestamp'
  | 'bad_seq'
  | 'bad_senml'
  | 'bad_status'
  | 'bad_meta';

/** A refused payload: the counted reason and a sentence for the device's owner. */
export interface Rejection {
  ok: false;
  reason: RejectReason;
  detail: string;
}

export type DecodeResult = { ok: true; readings: Reading[] } | Rejection;

export const MAX_READINGS_PER_PAYLOAD = 10_000;
export const MAX_METRICS_PER_READING = 256;
/** Timestamps before 2000-01-01 are refused as a device clock that was never set. */
export const MIN_TIMESTAMP_MS = 946_684_800_000;
/** Timestamps may run ahead of the gateway's clock by at most a day. */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;

/** Names a metric may not take: they are the stored tags, the seq field and the time column. */
export const RESERVED_METRIC_NAMES = new Set([
  'seq',
  'time',
  'device',
  'district',
  'grid',
  'layer',
]);

/** What is wrong with a metric name, or undefined when it may be stored. */
export function metricNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !isMetricName(name)) {
    return `metric ${JSON.stringify(name)} must match [a-z][a-z0-9_]{0,63}`;
  }
  if (RESERVED_METRIC_NAMES.has(name)) return `metric "${name}" is a reserved name`;
  return undefined;
}

export function reject(reason: RejectReason, detail: string): Rejection {
  return { ok: false, reason, detail };
}

export function checkTimeRange(ms: number, receivedAt: number): number | string {
  if (ms < MIN_TIMESTAMP_MS) return `time ${ms} is before 2000-01-01 (is the device clock set?)`;
  if (ms > receivedAt + MAX_FUTURE_MS) return `time ${ms} is more than a day in the future`;
  return ms;
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}
