import type { Reading } from '@sensegrid/twin';
import {
  checkTimeRange,
  metricNameProblem,
  reject,
  toNumber,
  type DecodeResult,
} from './decode-result.ts';

const SENML_KEYS = [
  'bn',
  'bt',
  'bu',
  'bv',
  'bver',
  'n',
  'u',
  'v',
  'vb',
  'vs',
  'vd',
  's',
  't',
  'ut',
];

/** RFC 8428 section 4.5.3: resolved times below 2^28 seconds are relative to now. */
const RELATIVE_TIME_LIMIT_S = 2 ** 28;

export function isSenmlRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return !('values' in value) && SENML_KEYS.some((key) => key in value);
}

interface SenmlRecord {
  bn?: unknown;
  bt?: unknown;
  bv?: unknown;
  n?: unknown;
  v?: unknown;
  vb?: unknown;
  vs?: unknown;
  vd?: unknown;
  s?: unknown;
  t?: unknown;
}

/**
 * Decodes a SenML JSON pack (RFC 8428). Base fields carry over to the records that follow
 * them; records that resolve to the same time form one reading. The metric is the record's
 * `n` (the base name usually names the device, which the topic already does).
 */
export function decodeSenml(device: string, pack: unknown[], receivedAt: number): DecodeResult {
  let baseTimeS = 0;
  let baseValue = 0;
  const byTime = new Map<number, Reading>();
  for (let i = 0; i < pack.length; i++) {
    const record = pack[i] as SenmlRecord;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      return reject('bad_senml', `record ${i} is not an object`);
    }
    if (record.bn !== undefined && typeof record.bn !== 'string') {
      return reject('bad_senml', `record ${i}: "bn" must be a string`);
    }
    if (record.bt !== undefined) {
      if (typeof record.bt !== 'number' || !Number.isFinite(record.bt)) {
        return reject('bad_senml', `record ${i}: "bt" must be a number of seconds`);
      }
      baseTimeS = record.bt;
    }
    if (record.bv !== undefined) {
      if (typeof record.bv !== 'number' || !Number.isFinite(record.bv)) {
        return reject('bad_senml', `record ${i}: "bv" must be a number`);
      }
      baseValue = record.bv;
    }
    if (record.n === undefined && record.v === undefined && record.vb === undefined) {
      if (record.vs !== undefined || record.vd !== undefined) {
        return reject('bad_value', `record ${i}: string and data values cannot be stored`);
      }
      continue; // a record that only sets base fields
    }
    const problem = metricNameProblem(record.n);
    if (problem) return reject('bad_metric_name', `record ${i}: ${problem}`);
    const name = record.n as string;
    const value = record.v !== undefined ? toNumber(record.v) : toNumber(record.vb ?? record.s);
    if (value === undefined) {
      return reject('bad_value', `record ${i}: ${name} has no finite "v", "vb" or "s"`);
    }
    const resolvedValue = record.v !== undefined ? value + baseValue : value;
    if (record.t !== undefined && (typeof record.t !== 'number' || !Number.isFinite(record.t))) {
      return reject('bad_senml', `record ${i}: "t" must be a number of seconds`);
    }
    const timeS = baseTimeS + ((record.t as number | undefined) ?? 0);
    const rawMs =
      Math.abs(timeS) < RELATIVE_TIME_LIMIT_S ? receivedAt + timeS * 1000 : timeS * 1000;
    const ts = checkTimeRange(Math.round(rawMs), receivedAt);
    if (typeof ts === 'string') return reject('bad_timestamp', `record ${i}: ${ts}`);
    let reading = byTime.get(ts);
    if (!reading) {
      reading = { device, ts, values: {} };
      byTime.set(ts, reading);
    }
    reading.values[name] = resolvedValue;
  }
  if (byTime.size === 0) return reject('empty', 'the SenML pack has no values');
  return { ok: true, readings: [...byTime.values()].sort((a, b) => a.ts - b.ts) };
}
