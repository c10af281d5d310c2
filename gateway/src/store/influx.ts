import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import type { PlacedReading, Reading } from '@sensegrid/twin';
import { sendToInflux, type InfluxEndpoint, type InfluxHttpStats } from './influx-http.ts';
import {
  parseQueryReply,
  quoteIdentifier,
  quoteString,
  rowsOf,
  timeLiteral,
  type InfluxSeries,
} from './influxql.ts';
import { MEASUREMENT, PLACEMENT_TAGS, SEQ_FIELD, toLineBatches } from './line-protocol.ts';
import type { ReadingStore, SeriesPoint, SeriesQuery, StoreHealth } from './port.ts';
import { ALERT_MEASUREMENT, alertLine, alertPointOf, type AlertPoint } from './alert-points.ts';
import type { HistoryStore } from './history-port.ts';
import { createInfluxHistory } from './history-influx.ts';

export { parseInfluxUrl, type InfluxUrlParts } from './influx-url.ts';

const gzipAsync = promisify(gzip);

export interface InfluxStoreOptions {
  /** `http://host:port` or `https://host:port`. */
  url: string;
  database: string;
  username?: string;
  password?: string;
  /** Sent as `Authorization: Token <token>`; wins over username and password. */
  token?: string;
  /** Per HTTP request, in milliseconds. Default 10,000. */
  timeoutMs?: number;
  /** Tries per request for transient failures before SENSEGRID_STORE_UNREACHABLE. Default 5. */
  maxAttempts?: number;
  /** First retry delay in milliseconds, doubled per retry with jitter. Default 100. */
  retryBaseMs?: number;
  /** Cap on one retry delay, Retry-After included, in milliseconds. Default 5,000. */
  maxRetryDelayMs?: number;
  /** Lines per `/write` request. Default and maximum 5,000. */
  maxLinesPerRequest?: number;
  /** Run `CREATE DATABASE` in init(). Default true; turn off where the API cannot (2.x, 3.x). */
  createDatabase?: boolean;
}

/** What the InfluxDB adapter did so far, for metrics. */
export interface InfluxStoreStats extends InfluxHttpStats {
  /** `/write` requests that succeeded. */
  writeBatches: number;
  /** Lines in those requests. */
  linesWritten: number;
}

export interface InfluxReadingStore extends ReadingStore {
  readonly kind: 'influx';
  stats(): InfluxStoreStats;
  /** Minute aggregates in the same database (measurements `readings_1m`, `regions_1m`). */
  readonly history: HistoryStore;
}

const MAX_LINES_PER_REQUEST = 5_000;

function rowCount(result: InfluxSeries[]): number {
  return result.reduce((sum, one) => sum + one.values.length, 0);
}

/** [time, value] rows of a one-field query, skipping empty values. */
function toPoints(result: InfluxSeries[]): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (const { values } of result) {
    for (const [time, value] of values) {
      if (typeof time === 'number' && typeof value === 'number') points.push([time, value]);
    }
  }
  return points;
}

const TAG_COLUMNS = new Set<string>(['time', 'device', ...PLACEMENT_TAGS]);

/** A ReadingStore on InfluxDB's v1-compatible HTTP API (`/write`, `/query`). */
export function createInfluxStore(options: InfluxStoreOptions): InfluxReadingStore {
  const endpoint: InfluxEndpoint = {
    url: options.url.replace(/\/+$/, ''),
    username: options.username,
    password: options.password,
    token: options.token,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxAttempts: options.maxAttempts ?? 5,
    retryBaseMs: options.retryBaseMs ?? 100,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 5_000,
  };
  const database = options.database;
  const maxLines = Math.min(MAX_LINES_PER_REQUEST, options.maxLinesPerRequest ?? Infinity);
  const counters: InfluxStoreStats = { requests: 0, retries: 0, writeBatches: 0, linesWritten: 0 };
  const series = `${quoteIdentifier(database)}..${quoteIdentifier(MEASUREMENT)}`;
  // One write in flight per store: InfluxDB 1.x answers bursts of concurrent writes with 500s.
  let writeChain: Promise<void> = Promise.resolve();
  // A server's Retry-After holds every later write of this store, not only the refused one.
  let writesNotBefore = 0;

  /** Runs a write after the ones before it, and not before a Retry-After has passed. */
  function chained(work: () => Promise<void>): Promise<void> {
    const next = writeChain.then(async () => {
      const waitMs = writesNotBefore - Date.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      try {
        await work();
      } catch (error) {
        const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
        if (retryAfterMs !== undefined) writesNotBefore = Date.now() + retryAfterMs;
        throw error;
      }
    });
    writeChain = next.catch(() => undefined);
    return next;
  }

  async function query(q: string): Promise<InfluxSeries[]> {
    const reply = await sendToInflux(
      endpoint,
      {
        path: '/query',
        method: 'POST',
        params: { db: database, epoch: 'ms', chunked: 'true', chunk_size: '10000' },
        body: new URLSearchParams({ q }),
        action: 'query',
      },
      counters,
    );
    return parseQueryReply(reply.text, endpoint.url);
  }

  async function writeBody(body: string, lines: number): Promise<void> {
    const compressed = await gzipAsync(body, { level: constants.Z_BEST_SPEED });
    await sendToInflux(
      endpoint,
      {
        path: '/write',
        method: 'POST',
        params: { db: database, precision: 'ms' },
        body: compressed,
        headers: {
          'Content-Encoding': 'gzip',
          'Content-Type': 'text/plain; charset=utf-8',
        },
        action: 'write',
      },
      counters,
    );
    counters.writeBatches += 1;
    counters.linesWritten += lines;
  }

  async function writeAll(readings: readonly PlacedReading[]): Promise<void> {
    for (const { body, lines } of toLineBatches(readings, maxLines)) await writeBody(body, lines);
  }

  function timeRange(from: number, to: number): string {
    return `time >= ${timeLiteral(from)} AND time <= ${timeLiteral(to)}`;
  }

  async function querySeries(q: SeriesQuery): Promise<SeriesPoint[]> {
    const points = Math.floor(q.points);
    const from = Math.round(q.from);
    const to = Math.round(q.to);
    if (points < 1 || to < from) return [];
    const field = quoteIdentifier(q.metric);
    const where = `"device" = ${quoteString(q.device)} AND ${timeRange(from, to)}`;
    const raw = await query(`SELECT ${field} FROM ${series} WHERE ${where} LIMIT ${points + 1}`);
    if (rowCount(raw) <= points) return toPoints(raw);
    // Buckets start at `from` (the offset), so every point's time lies inside [from, to].
    const bucketMs = Math.ceil((to - from + 1) / points);
    const offsetMs = ((from % bucketMs) + bucketMs) % bucketMs;
    return toPoints(
      await query(
        `SELECT mean(${field}) FROM ${series} WHERE ${where} ` +
          `GROUP BY time(${bucketMs}ms, ${offsetMs}ms) fill(none)`,
      ),
    );
  }

  async function scan(device: string, from: number, to: number): Promise<Reading[]> {
    if (to < from) return [];
    const rows = rowsOf(
      await query(
        `SELECT * FROM ${series} WHERE "device" = ${quoteString(device)} AND ${timeRange(from, to)}`,
      ),
    );
    return rows.map((row) => {
      const reading: Reading = { device, ts: row.time as number, values: {} };
      for (const [column, value] of Object.entries(row)) {
        if (TAG_COLUMNS.has(column) || typeof value !== 'number') continue;
        if (column === SEQ_FIELD) reading.seq = value;
        else reading.values[column] = value;
      }
      return reading;
    });
  }

  async function writeAlertPoints(points: readonly AlertPoint[]): Promise<void> {
    for (let i = 0; i < points.length; i += maxLines) {
      const lines = points.slice(i, i + maxLines).map(alertLine);
      await writeBody(lines.join('\n'), lines.length);
    }
  }

  async function alertPoints(from: number, to: number): Promise<AlertPoint[]> {
    if (to < from) return [];
    const alerts = `${quoteIdentifier(database)}..${quoteIdentifier(ALERT_MEASUREMENT)}`;
    const rows = rowsOf(await query(`SELECT * FROM ${alerts} WHERE ${timeRange(from, to)}`));
    return rows
      .map((row) => alertPointOf(row, row.time as number))
      .sort((a, b) => a.ts - b.ts || (a.alert < b.alert ? -1 : 1));
  }

  async function health(): Promise<StoreHealth> {
    const target = `influx ${endpoint.url}/${database}`;
    try {
      await sendToInflux(
        endpoint,
        { path: '/ping', method: 'GET', params: {}, action: 'ping', maxAttempts: 1 },
        counters,
      );
      return { ok: true, target };
    } catch (error) {
      return { ok: false, target, error: error instanceof Error ? error.message : String(error) };
    }
  }

  return {
    kind: 'influx',
    async init() {
      if (options.createDatabase === false) return;
      await query(`CREATE DATABASE ${quoteIdentifier(database)}`);
    },
    write(readings) {
      return chained(() => writeAll(readings));
    },
    querySeries,
    scan,
    writeAlertPoints(points) {
      return chained(() => writeAlertPoints(points));
    },
    alertPoints,
    health,
    async close() {
      await writeChain;
    },
    stats: () => ({ ...counters }),
    history: createInfluxHistory({
      database,
      query,
      write: (body, lines) => chained(() => writeBody(body, lines)),
    }),
  };
}
