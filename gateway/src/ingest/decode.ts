import type { Reading } from '@sensegrid/twin';
import {
  MAX_METRICS_PER_READING,
  MAX_READINGS_PER_PAYLOAD,
  checkTimeRange,
  metricNameProblem,
  reject,
  toNumber,
  type DecodeResult,
  type Rejection,
} from './decode-result.ts';
import { decodeSenml, isSenmlRecord } from './senml.ts';

/**
 * The time of a reading that came without one, from its receive time (and its seq, so that a
 * retransmission can get the time of the original). Without it, the receive time is used.
 */
export type StampTime = (seq: number | undefined, receivedAt: number) => number;

/**
 * Decodes the payload of `devices/<device>/readings`: a reading, an array of readings, or a
 * SenML pack. A payload is accepted whole or refused whole, with the reason.
 */
export function decodeReadings(
  device: string,
  payload: Buffer,
  receivedAt: number,
  stamp?: StampTime,
): DecodeResult {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return reject('not_json', 'the payload is not valid JSON');
  }
  if (Array.isArray(body)) {
    if (body.length === 0) return reject('empty', 'the payload is an empty array');
    if (body.length > MAX_READINGS_PER_PAYLOAD) {
      return reject('too_many_readings', `more than ${MAX_READINGS_PER_PAYLOAD} entries`);
    }
    if (isSenmlRecord(body[0])) return decodeSenml(device, body, receivedAt);
    const readings: Reading[] = [];
    for (let i = 0; i < body.length; i++) {
      // Entries without a time get the receive time minus their distance from the last entry
      // (1 ms each), so that they stay distinct points in their order.
      const one = decodeReading(device, body[i], receivedAt - (body.length - 1 - i), stamp);
      if (!one.ok) return { ...one, detail: `entry ${i}: ${one.detail}` };
      readings.push(one.reading);
    }
    return { ok: true, readings };
  }
  const one = decodeReading(device, body, receivedAt, stamp);
  return one.ok ? { ok: true, readings: [one.reading] } : one;
}

type OneResult = { ok: true; reading: Reading } | Rejection;

function decodeReading(
  device: string,
  body: unknown,
  receivedAt: number,
  stamp: StampTime | undefined,
): OneResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return reject('bad_shape', 'a reading is a JSON object with "values"');
  }
  const raw = body as { ts?: unknown; seq?: unknown; values?: unknown };
  const ts = decodeTimestamp(raw.ts, receivedAt);
  if (typeof ts === 'string') return reject('bad_timestamp', ts);
  const values = decodeValues(raw.values);
  if (!values.ok) return values;
  const reading: Reading = { device, ts, values: values.values };
  if (raw.seq !== undefined) {
    if (!Number.isSafeInteger(raw.seq) || (raw.seq as number) < 0) {
      return reject('bad_seq', '"seq" must be a non-negative integer');
    }
    reading.seq = raw.seq as number;
  }
  if (raw.ts === undefined && stamp) reading.ts = stamp(reading.seq, reading.ts);
  return { ok: true, reading };
}

/** Epoch milliseconds, an ISO 8601 string, or absent (the receive time); else what is wrong. */
export function decodeTimestamp(ts: unknown, receivedAt: number): number | string {
  if (ts === undefined || ts === null) return receivedAt;
  let ms: number;
  if (typeof ts === 'number') ms = ts;
  else if (typeof ts === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(ts)) ms = Date.parse(ts);
  else return '"ts" must be epoch milliseconds or an ISO 8601 string';
  if (!Number.isFinite(ms)) return `"ts" ${JSON.stringify(ts)} is not a valid time`;
  return checkTimeRange(Math.round(ms), receivedAt);
}

type ValuesResult = { ok: true; values: Record<string, number> } | Rejection;

function decodeValues(raw: unknown): ValuesResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject('bad_shape', '"values" must be an object of metric names to numbers');
  }
  const values: Record<string, number> = {};
  let count = 0;
  for (const [name, value] of Object.entries(raw)) {
    if (++count > MAX_METRICS_PER_READING) {
      return reject('bad_shape', `more than ${MAX_METRICS_PER_READING} metrics`);
    }
    const problem = metricNameProblem(name);
    if (problem) return reject('bad_metric_name', problem);
    const number = toNumber(value);
    if (number === undefined) {
      return reject('bad_value', `metric ${name} is not a finite number`);
    }
    values[name] = number;
  }
  if (count === 0) return reject('empty', '"values" has no metrics');
  return { ok: true, values };
}
