import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseRecords } from './wal-format.ts';

/** One segment file of the write-ahead log. */
export interface Segment {
  path: string;
  firstLsn: number;
  /** Last record in the segment; firstLsn - 1 while it is empty. */
  lastLsn: number;
  /** Durable bytes: everything before this offset has been fsynced. */
  size: number;
  /** Readings in records after the checkpoint. */
  pendingReadings: number;
}

/** Records at the end of the log kept after recovery, to recognise retransmissions. */
const TAIL_RECORDS = 4096;

const SEGMENT_NAME = /^wal-(\d{16})\.log$/;

export function segmentPath(dir: string, firstLsn: number): string {
  return join(dir, `wal-${String(firstLsn).padStart(16, '0')}.log`);
}

export async function readCheckpoint(dir: string): Promise<number> {
  try {
    const text = await fs.readFile(join(dir, 'checkpoint'), 'utf8');
    const lsn = Number(text.trim());
    return Number.isSafeInteger(lsn) && lsn >= 0 ? lsn : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** Atomic: a crash leaves the old or the new checkpoint, and an old one only means replay. */
export async function writeCheckpoint(dir: string, lsn: number): Promise<void> {
  const tmp = join(dir, 'checkpoint.tmp');
  await fs.writeFile(tmp, `${lsn}\n`);
  await fs.rename(tmp, join(dir, 'checkpoint'));
}

/**
 * Lists the segments in order and checks every record. A torn or corrupt tail (a crash in the
 * middle of a write) is cut off; nothing after it can have been acknowledged.
 */
export async function recoverSegments(
  dir: string,
  checkpoint: number,
): Promise<{ segments: Segment[]; lastLsn: number; truncatedBytes: number; tail: Buffer[] }> {
  const names = (await fs.readdir(dir)).filter((name) => SEGMENT_NAME.test(name)).sort();
  const segments: Segment[] = [];
  let lastLsn = checkpoint;
  let truncatedBytes = 0;
  let tail: Buffer[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const firstLsn = Number(SEGMENT_NAME.exec(name)![1]);
    const content = await fs.readFile(path);
    const { records, end } = parseRecords(content);
    if (end < content.length) {
      truncatedBytes += content.length - end;
      await fs.truncate(path, end);
    }
    if (records.length === 0) {
      await fs.rm(path, { force: true }); // a fresh segment gets this name again
      continue;
    }
    tail = tail.concat(records.slice(-TAIL_RECORDS).map((record) => record.payload));
    if (tail.length > TAIL_RECORDS) tail = tail.slice(-TAIL_RECORDS);
    let pendingReadings = 0;
    for (const record of records) if (record.lsn > checkpoint) pendingReadings += record.count;
    const segmentLast = records[records.length - 1]!.lsn;
    lastLsn = Math.max(lastLsn, segmentLast);
    segments.push({ path, firstLsn, lastLsn: segmentLast, size: end, pendingReadings });
  }
  return { segments, lastLsn, truncatedBytes, tail };
}
