import { crc32 } from 'node:zlib';
import type { PlacedReading } from '@sensegrid/twin';

/**
 * One write-ahead log record on disk:
 *   u32 payload length | u32 crc32 of (lsn, count, payload) | f64 lsn | u32 readings | payload
 * The payload is the JSON array of the record's readings. All integers are little-endian.
 */
export const HEADER_BYTES = 20;

export interface WalRecord {
  lsn: number;
  count: number;
  /** Start of the record in its segment file. */
  offset: number;
  /** Header plus payload. */
  bytes: number;
  payload: Buffer;
}

export function encodeRecord(lsn: number, readings: readonly PlacedReading[]): Buffer {
  const payload = Buffer.from(JSON.stringify(readings));
  const record = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeDoubleLE(lsn, 8);
  record.writeUInt32LE(readings.length, 16);
  payload.copy(record, HEADER_BYTES);
  record.writeUInt32LE(crc32(record.subarray(8)), 4);
  return record;
}

export function decodePayload(payload: Buffer): PlacedReading[] {
  return JSON.parse(payload.toString('utf8')) as PlacedReading[];
}

/**
 * Reads the whole records in `chunk`, which starts at `baseOffset` in its file. Stops at the
 * first incomplete or corrupt record: `end` is where the good records end and `torn` says
 * whether bytes after it were not a whole, valid record.
 */
export function parseRecords(
  chunk: Buffer,
  baseOffset = 0,
): { records: WalRecord[]; end: number; torn: boolean } {
  const records: WalRecord[] = [];
  let at = 0;
  while (at + HEADER_BYTES <= chunk.length) {
    const length = chunk.readUInt32LE(at);
    const total = HEADER_BYTES + length;
    if (at + total > chunk.length) break;
    const expected = chunk.readUInt32LE(at + 4);
    if (crc32(chunk.subarray(at + 8, at + total)) !== expected) {
      return { records, end: baseOffset + at, torn: true };
    }
    records.push({
      lsn: chunk.readDoubleLE(at + 8),
      count: chunk.readUInt32LE(at + 16),
      offset: baseOffset + at,
      bytes: total,
      payload: chunk.subarray(at + HEADER_BYTES, at + total),
    });
    at += total;
  }
  return { records, end: baseOffset + at, torn: at < chunk.length };
}
