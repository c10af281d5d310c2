import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SensegridError } from '../errors.ts';
import { type RowWindow, windowsToRows } from './nab-score.ts';
import { parseTimestampMs } from './parse-time.ts';

/** One labelled NAB series, ready to run a detector over. */
export interface NabSeries {
  /** Path under the corpus folder with forward slashes, as `windows.json` names it. */
  name: string;
  /** The timestamp column exactly as written. */
  timestamps: string[];
  timesMs: Float64Array;
  values: Float64Array;
  windows: RowWindow[];
  /** The file as read, for running the CSV detector over it. */
  text: string;
}

async function listCsvFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.csv'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Parses a NAB CSV (`timestamp,value`), failing with the file and line of a bad row. */
export function parseNabCsv(name: string, text: string): Omit<NabSeries, 'windows'> {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== 'timestamp,value') {
    throw new SensegridError(
      'SENSEGRID_NAB_BAD_FILE',
      `${name}: the header is "${lines[0]}", not "timestamp,value".`,
    );
  }
  const timestamps: string[] = [];
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const comma = line.indexOf(',');
    const stamp = line.slice(0, comma);
    const timeMs = parseTimestampMs(stamp);
    const value = Number(line.slice(comma + 1));
    if (comma < 0 || Number.isNaN(timeMs) || !Number.isFinite(value)) {
      throw new SensegridError(
        'SENSEGRID_NAB_BAD_FILE',
        `${name}:${i + 1}: cannot read "${line}".`,
      );
    }
    timestamps.push(stamp);
    times.push(timeMs);
    values.push(value);
  }
  return {
    name,
    timestamps,
    timesMs: Float64Array.from(times),
    values: Float64Array.from(values),
    text,
  };
}

/**
 * Loads every CSV under `dir` with its windows from `dir/windows.json`.
 * Returns undefined when the folder does not exist.
 */
export async function loadNabCorpus(dir: string): Promise<NabSeries[] | undefined> {
  if (!existsSync(dir)) return undefined;
  const windowsPath = join(dir, 'windows.json');
  const labels = existsSync(windowsPath)
    ? (JSON.parse(await readFile(windowsPath, 'utf8')) as Record<string, [string, string][]>)
    : {};
  const series: NabSeries[] = [];
  for (const path of await listCsvFiles(dir)) {
    const name = relative(dir, path).split(sep).join('/');
    const parsed = parseNabCsv(name, await readFile(path, 'utf8'));
    const windowsMs = (labels[name] ?? []).map(
      ([start, end]) => [parseTimestampMs(start), parseTimestampMs(end)] as [number, number],
    );
    series.push({ ...parsed, windows: windowsToRows(parsed.timesMs, windowsMs) });
  }
  return series;
}
