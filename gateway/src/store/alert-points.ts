import type Database from 'better-sqlite3';
import { escapeKey } from './line-protocol.ts';

/** The measurement alert changes go to. */
export const ALERT_MEASUREMENT = 'alerts';
/** Its tags, in line-protocol key order. */
export const ALERT_TAGS = ['department', 'layer', 'region', 'severity', 'state'] as const;

/**
 * One change of one alert, as a point of the `alerts` measurement, so alerts can be charted.
 * Like readings, a point is identified by its tags and time: the same point written twice is
 * stored once.
 */
export interface AlertPoint {
  /** Epoch milliseconds of the change. */
  ts: number;
  department: string;
  layer: string;
  /** The alert's district. */
  region: string;
  severity: string;
  state: string;
  /** Field: the alert's id. */
  alert: string;
  members: number;
  devices: number;
  /** The strongest finding's score, 0..1. */
  score: number;
}

/** A line of line protocol for an alert point. */
export function alertLine(point: AlertPoint): string {
  let series = ALERT_MEASUREMENT;
  for (const tag of ALERT_TAGS) {
    if (point[tag] !== '') series += `,${tag}=${escapeKey(point[tag])}`;
  }
  const id = point.alert.replace(/[\\"]/g, (c) => `\\${c}`);
  const fields = `alert="${id}",devices=${point.devices},members=${point.members},score=${point.score}`;
  return `${series} ${fields} ${Math.round(point.ts)}`;
}

/** An alert point from a row keyed by column name (InfluxQL `SELECT *`, or SQLite). */
export function alertPointOf(row: Record<string, unknown>, ts: number): AlertPoint {
  const text = (key: string) => (typeof row[key] === 'string' ? (row[key] as string) : '');
  return {
    ts,
    department: text('department'),
    layer: text('layer'),
    region: text('region'),
    severity: text('severity'),
    state: text('state'),
    alert: text('alert'),
    members: Number(row.members ?? 0),
    devices: Number(row.devices ?? 0),
    score: Number(row.score ?? 0),
  };
}

const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS alert_points (
  ts INTEGER NOT NULL, department TEXT NOT NULL, layer TEXT NOT NULL, region TEXT NOT NULL,
  severity TEXT NOT NULL, state TEXT NOT NULL,
  alert TEXT NOT NULL, members REAL NOT NULL, devices REAL NOT NULL, score REAL NOT NULL,
  PRIMARY KEY (ts, department, layer, region, severity, state)
) WITHOUT ROWID;`;

/** The `alerts` measurement in an SQLite reading store. */
export function sqliteAlertPoints(db: Database.Database) {
  db.exec(SQLITE_SCHEMA);
  const upsert = db.prepare(`INSERT OR REPLACE INTO alert_points
    (ts, department, layer, region, severity, state, alert, members, devices, score)
    VALUES (@ts, @department, @layer, @region, @severity, @state, @alert, @members, @devices, @score)`);
  const range = db.prepare(
    'SELECT * FROM alert_points WHERE ts BETWEEN ? AND ? ORDER BY ts, alert',
  );
  const write = db.transaction((points: readonly AlertPoint[]) => {
    for (const p of points) upsert.run({ ...p, ts: Math.round(p.ts) });
  });
  return {
    write: (points: readonly AlertPoint[]) => write(points),
    read: (from: number, to: number): AlertPoint[] =>
      (range.all(Math.round(from), Math.round(to)) as Record<string, unknown>[]).map((row) =>
        alertPointOf(row, row.ts as number),
      ),
  };
}
