import { createSqliteStore } from '../../src/store/sqlite.ts';

/** Device id to every seq found in the store, one entry per stored point (duplicates kept). */
export type StoredSeqs = Map<string, number[]>;

/** What the store holds against what the devices were acknowledged. */
export interface ExactlyOnceReport {
  /** Acknowledged (device, seq) pairs. */
  acked: number;
  /** Stored points that carry a seq. */
  stored: number;
  /** Distinct (device, seq) pairs in the store. */
  distinct: number;
  /** Stored points beyond the first for a (device, seq). */
  duplicates: number;
  /** Acknowledged pairs not in the store. */
  missing: number;
  /** A few `device#seq` examples of each problem, for failure messages. */
  examples: { missing: string[]; duplicated: string[] };
}

/**
 * Reads every (device, seq) straight from InfluxDB through InfluxQL, not through the gateway's
 * adapter. Grouping by device alone merges a device's series, so a point written twice under
 * different tags shows up twice.
 */
export async function readInfluxSeqs(url: string, database: string): Promise<StoredSeqs> {
  const target = new URL('/query', url);
  target.search = new URLSearchParams({
    db: database,
    epoch: 'ms',
    chunked: 'true',
    chunk_size: '20000',
  }).toString();
  const response = await fetch(target, {
    method: 'POST',
    body: new URLSearchParams({ q: 'SELECT "seq" FROM "readings" GROUP BY "device"' }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`InfluxDB /query answered ${response.status}: ${text}`);
  const seqs: StoredSeqs = new Map();
  for (const chunk of text.split('\n')) {
    if (chunk.trim() === '') continue;
    const parsed = JSON.parse(chunk) as {
      error?: string;
      results?: {
        error?: string;
        series?: { tags?: { device?: string }; values?: [number, number | null][] }[];
      }[];
    };
    const error = parsed.error ?? parsed.results?.find((result) => result.error)?.error;
    if (error) throw new Error(`InfluxDB /query failed: ${error}`);
    for (const result of parsed.results ?? []) {
      for (const series of result.series ?? []) {
        const device = series.tags?.device ?? '';
        const list = seqs.get(device) ?? [];
        for (const [, seq] of series.values ?? []) if (seq !== null) list.push(seq);
        seqs.set(device, list);
      }
    }
  }
  return seqs;
}

/** Reads every (device, seq) of the given devices from a SQLite store file. */
export async function readSqliteSeqs(file: string, devices: Iterable<string>): Promise<StoredSeqs> {
  const store = createSqliteStore(file);
  await store.init();
  try {
    const seqs: StoredSeqs = new Map();
    for (const device of devices) {
      const readings = await store.scan(device, 0, Number.MAX_SAFE_INTEGER);
      seqs.set(
        device,
        readings.flatMap((reading) => (reading.seq === undefined ? [] : [reading.seq])),
      );
    }
    return seqs;
  } finally {
    await store.close();
  }
}

/** Compares what was acknowledged with what was stored, by (device, seq). */
export function checkExactlyOnce(
  acked: ReadonlyMap<string, readonly number[]>,
  stored: StoredSeqs,
): ExactlyOnceReport {
  const report: ExactlyOnceReport = {
    acked: 0,
    stored: 0,
    distinct: 0,
    duplicates: 0,
    missing: 0,
    examples: { missing: [], duplicated: [] },
  };
  const note = (list: string[], entry: string) => {
    if (list.length < 10) list.push(entry);
  };
  for (const [device, seqs] of stored) {
    const counts = new Map<number, number>();
    for (const seq of seqs) counts.set(seq, (counts.get(seq) ?? 0) + 1);
    report.stored += seqs.length;
    report.distinct += counts.size;
    for (const [seq, count] of counts) {
      if (count > 1) {
        report.duplicates += count - 1;
        note(report.examples.duplicated, `${device}#${seq} x${count}`);
      }
    }
  }
  for (const [device, seqs] of acked) {
    const found = new Set(stored.get(device) ?? []);
    report.acked += seqs.length;
    for (const seq of seqs) {
      if (!found.has(seq)) {
        report.missing++;
        note(report.examples.missing, `${device}#${seq}`);
      }
    }
  }
  return report;
}
