import type Database from 'better-sqlite3';
import { minuteRuns } from '../history/minute-rollup.ts';
import {
  MINUTE_MS,
  type DeviceMinute,
  type HistoryStore,
  type RegionMinute,
} from './history-port.ts';

// Beside the raw tables of sqlite-schema.ts. `regions_1m` is keyed region first, then minute,
// so one region's day is one contiguous range of the key.
const HISTORY_SCHEMA = `
CREATE TABLE IF NOT EXISTS samples_1m (
  device_id INTEGER NOT NULL,
  metric_id INTEGER NOT NULL,
  minute INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  last REAL NOT NULL,
  PRIMARY KEY (device_id, metric_id, minute)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS samples_1m_by_minute ON samples_1m (minute);
CREATE TABLE IF NOT EXISTS regions_1m (
  region TEXT NOT NULL,
  minute INTEGER NOT NULL,
  layer TEXT NOT NULL,
  metric TEXT NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  sensors INTEGER NOT NULL,
  PRIMARY KEY (region, minute, layer, metric)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS regions_1m_by_minute ON regions_1m (minute);
`;

const REGION_COLUMNS = 'region, layer, metric, minute, count, sum, min, max, sensors';
type RegionRow = [string, string, string, number, number, number, number, number, number];
const regionMinuteOf = ([
  region,
  layer,
  metric,
  minute,
  count,
  sum,
  min,
  max,
  sensors,
]: RegionRow): RegionMinute => ({
  region,
  layer,
  metric,
  minute,
  count,
  sum,
  min,
  max,
  sensors,
});
const rawRows = (db: Database.Database, sql: string) => db.prepare(sql).raw(true);

/** Minute aggregates in the same SQLite database as the raw readings. */
export function createSqliteHistory(database: () => Database.Database): HistoryStore {
  let prepared: ReturnType<typeof prepare> | undefined;
  let preparedFor: Database.Database | undefined;

  function prepare(db: Database.Database) {
    db.exec(HISTORY_SCHEMA);
    return {
      db,
      findDevice: db.prepare('SELECT id FROM devices WHERE name = ?').pluck(),
      allDevices: db.prepare('SELECT name FROM devices').pluck(),
      findMetric: db.prepare('SELECT id FROM metrics WHERE name = ?').pluck(),
      // One device's minutes in [from, to] recomputed from its raw samples, inside SQLite.
      refreshDeviceRange: db.prepare(`
        INSERT OR REPLACE INTO samples_1m (device_id, metric_id, minute, count, sum, min, max, last)
        WITH g AS (
          SELECT metric_id, ts / 60000 AS m, count(*) AS c, sum(value) AS s,
                 min(value) AS lo, max(value) AS hi, max(ts) AS lastTs
          FROM samples
          WHERE device_id = :device AND metric_id IN (SELECT id FROM metrics)
            AND ts BETWEEN CAST(:from AS INTEGER) AND CAST(:to AS INTEGER)
          GROUP BY metric_id, ts / 60000
        )
        SELECT :device, g.metric_id, g.m * 60000, g.c, g.s, g.lo, g.hi,
               (SELECT value FROM samples
                WHERE device_id = :device AND metric_id = g.metric_id AND ts = g.lastTs)
        FROM g`),
      deviceMinutes: db.prepare(`
        SELECT d.name AS device, m.name AS metric, a.minute, a.count, a.sum, a.min, a.max, a.last
        FROM samples_1m a
        JOIN devices d ON d.id = a.device_id JOIN metrics m ON m.id = a.metric_id
        WHERE a.minute BETWEEN ? AND ?`),
      // Numbers bind as REAL in better-sqlite3; the bucket arithmetic casts them to integers.
      deviceSeries: db
        .prepare(
          `
        SELECT CAST(:from AS INTEGER)
                 + ((minute - CAST(:from AS INTEGER)) / CAST(:bucket AS INTEGER)) * CAST(:bucket AS INTEGER),
               sum(sum) / sum(count)
        FROM samples_1m
        WHERE device_id = :device AND metric_id = :metric AND minute BETWEEN :from AND :to
        GROUP BY (minute - CAST(:from AS INTEGER)) / CAST(:bucket AS INTEGER)
        ORDER BY 1`,
        )
        .raw(true),
      upsertRegionMinute: db.prepare(
        `INSERT OR REPLACE INTO regions_1m (${REGION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Rows as arrays: a day of one region is thousands of rows, and objects cost twice as much.
      regionMinutes: rawRows(
        db,
        `
        SELECT ${REGION_COLUMNS} FROM regions_1m
        WHERE region = ? AND minute BETWEEN ? AND ? ORDER BY minute`,
      ),
      regionLayerMinutes: rawRows(
        db,
        `
        SELECT ${REGION_COLUMNS} FROM regions_1m
        WHERE region = ? AND minute BETWEEN ? AND ? AND layer = ? ORDER BY minute`,
      ),
      latestMinute: db.prepare('SELECT max(minute) FROM samples_1m').pluck(),
      regionsAt: db.prepare(`SELECT ${REGION_COLUMNS} FROM regions_1m WHERE minute = ?`),
    };
  }

  /** The statements for the store's current connection (it reopens after a close). */
  function statements() {
    const db = database();
    if (!prepared || preparedFor !== db) {
      prepared = prepare(db);
      preparedFor = db;
    }
    return prepared;
  }

  function refresh(touched: ReadonlyMap<string, ReadonlySet<number>>): void {
    const s = statements();
    s.db.transaction(() => {
      for (const [device, minutes] of touched) {
        const deviceId = s.findDevice.get(device) as number | undefined;
        if (deviceId === undefined) continue;
        // One statement per run of consecutive minutes.
        for (const [first, last] of minuteRuns(minutes)) {
          s.refreshDeviceRange.run({ device: deviceId, from: first, to: last + MINUTE_MS - 1 });
        }
      }
    })();
  }

  return {
    async refreshDeviceMinutes(touched) {
      refresh(touched);
    },
    async refreshRecentMinutes(fromMinute, toMinute) {
      const devices = statements().allDevices.all() as string[];
      const minutes = new Set<number>();
      for (let minute = fromMinute; minute <= toMinute; minute += MINUTE_MS) minutes.add(minute);
      // A few hundred devices per transaction, so a large fleet does not hold the event loop.
      for (let i = 0; i < devices.length; i += 200) {
        refresh(new Map(devices.slice(i, i + 200).map((device) => [device, minutes])));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async latestMinute() {
      return (statements().latestMinute.get() as number | null) ?? undefined;
    },
    async deviceMinutes(fromMinute, toMinute) {
      return statements().deviceMinutes.all(fromMinute, toMinute) as DeviceMinute[];
    },
    async deviceSeries(device, metric, fromMinute, toMinute, bucketMs) {
      const s = statements();
      const deviceId = s.findDevice.get(device) as number | undefined;
      const metricId = s.findMetric.get(metric) as number | undefined;
      if (deviceId === undefined || metricId === undefined) return [];
      return s.deviceSeries.all({
        device: deviceId,
        metric: metricId,
        from: fromMinute,
        to: toMinute,
        bucket: bucketMs,
      }) as [number, number][];
    },
    async writeRegionMinutes(rows) {
      if (rows.length === 0) return;
      const s = statements();
      s.db.transaction(() => {
        for (const r of rows) {
          s.upsertRegionMinute.run(
            r.region,
            r.layer,
            r.metric,
            r.minute,
            r.count,
            r.sum,
            r.min,
            r.max,
            r.sensors,
          );
        }
      })();
    },
    async regionMinutes(region, layer, fromMinute, toMinute) {
      const s = statements();
      const rows = (
        layer === undefined
          ? s.regionMinutes.all(region, fromMinute, toMinute)
          : s.regionLayerMinutes.all(region, fromMinute, toMinute, layer)
      ) as RegionRow[];
      return rows.map(regionMinuteOf);
    },
    async regionsAt(minute) {
      return statements().regionsAt.all(minute) as RegionMinute[];
    },
  };
}
