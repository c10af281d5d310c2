// Reading records back from a segment file, for the store writer when memory could not hold them.
import { promises as fs } from 'node:fs';
import type { PlacedReading } from '@sensegrid/twin';
import { decodePayload, parseRecords, type WalRecord } from './wal-format.ts';
import type { Segment } from './wal-segments.ts';

/** The whole records of `segment` from `offset`, at most 8 MiB of them. */
export async function readSegmentRecords(segment: Segment, offset: number): Promise<WalRecord[]> {
  const length = Math.min(segment.size - offset, 8 * 1024 * 1024);
  const chunk = Buffer.alloc(length);
  const file = await fs.open(segment.path, 'r');
  try {
    await file.read(chunk, 0, length, offset);
  } finally {
    await file.close();
  }
  return parseRecords(chunk, offset).records;
}

/**
 * The readings of the records after the checkpoint, at most `maxReadings` (the first record is
 * taken whole when `first`), and the offset after the last record looked at.
 */
export function readingsAfterCheckpoint(
  records: readonly WalRecord[],
  startOffset: number,
  checkpoint: number,
  maxReadings: number,
  first: boolean,
): { readings: PlacedReading[]; lastLsn: number; offset: number } {
  const readings: PlacedReading[] = [];
  let lastLsn = -1;
  let offset = startOffset;
  for (const record of records) {
    if (record.lsn > checkpoint) {
      if (readings.length + record.count > maxReadings && !(first && readings.length === 0)) {
        break;
      }
      for (const reading of decodePayload(record.payload)) readings.push(reading);
      lastLsn = record.lsn;
    }
    offset = record.offset + record.bytes;
  }
  return { readings, lastLsn, offset };
}
