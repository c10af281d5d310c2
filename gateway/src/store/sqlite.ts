import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { PlacedReading, Reading } from '@sensegrid/twin';
import { SensegridError } from '../errors.ts';
import type { ReadingStore, SeriesPoint, SeriesQuery, StoreHealth } from './port.ts';
import { openSqliteSchema, type SqliteStatements } from './sqlite-schema.ts';
import { sqliteAlertPoints } from './alert-points.ts';
import type { HistoryStore } from './history-port.ts';
import { createSqliteHistory } from './history-sqlite.ts';

export interface SqliteReadingStore extends ReadingStore {
  readonly kind: 'sqlite';
  /** The file, or `:memory:`. */
  readonly path: string;
  /** Minute aggregates in the same database (tables `samples_1m`, `regions_1m`). */
  readonly history: HistoryStore;
}

/**
 * A ReadingStore in one SQLite file (WAL journal). `path` is a file whose parent folders are
 * created as needed, or `:memory:`. A resolved write() is committed.
 */
export function createSqliteStore(path: string): SqliteReadingStore {
  let db: Database.Database | undefined;
  let statements: SqliteStatements | undefined;
  let alertPoints: ReturnType<typeof sqliteAlertPoints> | undefined;
  const deviceIds = new Map<string, number>();
  const metricIds = new Map<string, number>();

  function open(): SqliteStatements {
    if (statements !== undefined) return statements;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      statements = openSqliteSchema(db);
      alertPoints = sqliteAlertPoints(db);
      return statements;
    } catch (error) {
      db?.close();
      db = undefined;
      throw new SensegridError(
        'SENSEGRID_STORE_UNREACHABLE',
        `SQLite store at ${path} could not be opened: ${(error as Error).message}.`,
        'Check that the folder is writable and the file is an SQLite database, or choose ' +
          'another path with --store sqlite:./data/sensegrid.db.',
      );
    }
  }

  function idOf(cache: Map<string, number>, name: string, intern: Database.Statement): number {
    let id = cache.get(name);
    if (id === undefined) {
      id = (intern.get(name) as { id: number }).id;
      cache.set(name, id);
    }
    return id;
  }

  function insertAll(s: SqliteStatements, readings: readonly PlacedReading[]): void {
    for (const reading of readings) {
      const deviceId = idOf(deviceIds, reading.device, s.internDevice);
      const ts = Math.round(reading.ts);
      const tags = reading.tags ?? {};
      s.upsertReading.run(
        deviceId,
        ts,
        reading.seq ?? null,
        tags.district ?? null,
        tags.grid ?? null,
        tags.layer ?? null,
      );
      for (const metric in reading.values) {
        const value = reading.values[metric] as number;
        if (!Number.isFinite(value)) continue;
        s.upsertSample.run(deviceId, idOf(metricIds, metric, s.internMetric), ts, value);
      }
    }
  }

  function querySeries(q: SeriesQuery): SeriesPoint[] {
    const points = Math.floor(q.points);
    if (points < 1 || q.to < q.from) return [];
    const s = open();
    const deviceId = s.findDevice.get(q.device) as { id: number } | undefined;
    const metricId = s.findMetric.get(q.metric) as { id: number } | undefined;
    if (deviceId === undefined || metricId === undefined) return [];
    const from = Math.round(q.from);
    const to = Math.round(q.to);
    const range = [deviceId.id, metricId.id, from, to] as const;
    const { n } = s.countSamples.get(...range, points + 1) as { n: number };
    if (n <= points) return s.rawSeries.all(...range) as SeriesPoint[];
    const bucketMs = Math.ceil((to - from + 1) / points);
    return s.bucketedSeries.all({
      device: deviceId.id,
      metric: metricId.id,
      from,
      to,
      bucket: bucketMs,
    }) as SeriesPoint[];
  }

  function scan(device: string, from: number, to: number): Reading[] {
    if (to < from) return [];
    const s = open();
    const found = s.findDevice.get(device) as { id: number } | undefined;
    if (found === undefined) return [];
    const range = [found.id, Math.round(from), Math.round(to)] as const;
    const byTs = new Map<number, Reading>();
    const readings: Reading[] = [];
    for (const row of s.scanReadings.iterate(...range) as Iterable<{
      ts: number;
      seq: number | null;
    }>) {
      const reading: Reading = { device, ts: row.ts, values: {} };
      if (row.seq !== null) reading.seq = row.seq;
      byTs.set(row.ts, reading);
      readings.push(reading);
    }
    for (const row of s.scanSamples.iterate(...range) as Iterable<{
      ts: number;
      metric: string;
      value: number;
    }>) {
      const reading = byTs.get(row.ts);
      if (reading !== undefined) reading.values[row.metric] = row.value;
    }
    return readings;
  }

  return {
    kind: 'sqlite',
    path,
    history: createSqliteHistory(() => {
      open();
      return db!;
    }),
    async init() {
      open();
    },
    async write(readings) {
      if (readings.length === 0) return;
      const s = open();
      try {
        s.transaction(() => insertAll(s, readings));
      } catch (error) {
        // Ids interned inside the rolled-back transaction are gone with it.
        deviceIds.clear();
        metricIds.clear();
        throw error;
      }
    },
    async querySeries(q) {
      return querySeries(q);
    },
    async scan(device, from, to) {
      return scan(device, from, to);
    },
    async writeAlertPoints(points) {
      open();
      if (points.length > 0) alertPoints!.write(points);
    },
    async alertPoints(from, to) {
      open();
      return to < from ? [] : alertPoints!.read(from, to);
    },
    async health(): Promise<StoreHealth> {
      const target = `sqlite ${path}`;
      try {
        open().ping.get();
        return { ok: true, target };
      } catch (error) {
        return { ok: false, target, error: (error as Error).message };
      }
    },
    async close() {
      db?.close();
      db = undefined;
      statements = undefined;
      alertPoints = undefined;
      deviceIds.clear();
      metricIds.clear();
    },
  };
}
