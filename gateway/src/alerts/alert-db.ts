import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SensegridError } from '../errors.ts';
import type { BookState, AlertChange } from './incident-book.ts';
import type { Alert, AlertMember, AuditEntry } from './model.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alert_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, state TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alert_members (
  alert_id TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (alert_id, key));
CREATE TABLE IF NOT EXISTS alert_timeline (alert_id TEXT NOT NULL, ts INTEGER NOT NULL, score REAL NOT NULL);
CREATE INDEX IF NOT EXISTS alert_timeline_by_alert ON alert_timeline (alert_id);
CREATE TABLE IF NOT EXISTS alert_audit (alert_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alert_audit_by_alert ON alert_audit (alert_id);
CREATE TABLE IF NOT EXISTS alert_mutes (key TEXT PRIMARY KEY, until INTEGER NOT NULL);
`;

/** The alert loop's durable state: alerts, members, timelines, audit trails and mutes. */
export interface AlertDb {
  readonly path: string;
  /** Writes the changes and the book's state in one transaction. */
  save(changes: readonly AlertChange[], state: BookState): void;
  load(): { alerts: Alert[]; state: BookState };
  /** Deletes alerts with their members, timelines and audit trails, in one transaction. */
  remove(ids: readonly string[]): void;
  close(): void;
}

type AlertRow = Omit<Alert, 'members' | 'timeline' | 'audit'>;

/**
 * Opens (or creates) the alert database, an SQLite file beside the gateway's other state.
 * Every change is written through in a transaction before the loop reports it.
 */
export function openAlertDb(path: string): AlertDb {
  let db: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
  } catch (error) {
    throw new SensegridError(
      'SENSEGRID_ALERT_DB_UNREADABLE',
      `the alert database ${path} could not be opened: ${(error as Error).message}.`,
      'Check that the data folder is writable and the file is an SQLite database (move it away to start afresh).',
    );
  }
  const upsertAlert = db.prepare(
    'INSERT OR REPLACE INTO alerts (id, seq, state, data) VALUES (?, ?, ?, ?)',
  );
  const upsertMember = db.prepare(
    'INSERT OR REPLACE INTO alert_members (alert_id, key, data) VALUES (?, ?, ?)',
  );
  const addPoint = db.prepare('INSERT INTO alert_timeline (alert_id, ts, score) VALUES (?, ?, ?)');
  const addAudit = db.prepare('INSERT INTO alert_audit (alert_id, data) VALUES (?, ?)');
  const setMeta = db.prepare('INSERT OR REPLACE INTO alert_meta (key, value) VALUES (?, ?)');
  const clearMutes = db.prepare('DELETE FROM alert_mutes');
  const addMute = db.prepare('INSERT INTO alert_mutes (key, until) VALUES (?, ?)');
  const removeAlert = ['alerts', 'alert_members', 'alert_timeline', 'alert_audit'].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE ${table === 'alerts' ? 'id' : 'alert_id'} = ?`),
  );

  const save = db.transaction((changes: readonly AlertChange[], state: BookState) => {
    const written = new Set<string>();
    for (const change of changes) {
      const { alert } = change;
      if (change.member)
        upsertMember.run(alert.id, change.member.key, JSON.stringify(change.member));
      if (change.point) addPoint.run(alert.id, change.point[0], change.point[1]);
      for (const entry of change.audit) addAudit.run(alert.id, JSON.stringify(entry));
      written.add(alert.id);
    }
    // The newest version of each alert, once.
    const latest = new Map(changes.map((c) => [c.alert.id, c.alert]));
    for (const id of written) {
      const alert = latest.get(id)!;
      upsertAlert.run(alert.id, alert.seq, alert.state, JSON.stringify(rowOf(alert)));
    }
    setMeta.run('nextSeq', String(state.nextSeq));
    setMeta.run('clockMs', String(state.clockMs));
    setMeta.run('wallClockMs', String(state.wallClockMs));
    clearMutes.run();
    for (const [key, until] of state.mutes) addMute.run(key, until);
  });
  const remove = db.transaction((ids: readonly string[]) => {
    for (const id of ids) for (const statement of removeAlert) statement.run(id);
  });

  return {
    path,
    save: (changes, state) => save(changes, state),
    load() {
      const alerts = new Map<string, Alert>();
      for (const row of db.prepare('SELECT data FROM alerts ORDER BY seq').all() as {
        data: string;
      }[]) {
        const alert = {
          ...(JSON.parse(row.data) as AlertRow),
          members: new Map(),
          timeline: [],
          audit: [],
        } as Alert;
        alerts.set(alert.id, alert);
      }
      for (const row of db
        .prepare('SELECT alert_id, data FROM alert_members ORDER BY rowid')
        .all() as {
        alert_id: string;
        data: string;
      }[]) {
        const member = JSON.parse(row.data) as AlertMember;
        alerts.get(row.alert_id)?.members.set(member.key, member);
      }
      for (const row of db
        .prepare('SELECT alert_id, ts, score FROM alert_timeline ORDER BY rowid')
        .all() as {
        alert_id: string;
        ts: number;
        score: number;
      }[]) {
        alerts.get(row.alert_id)?.timeline.push([row.ts, row.score]);
      }
      for (const row of db
        .prepare('SELECT alert_id, data FROM alert_audit ORDER BY rowid')
        .all() as {
        alert_id: string;
        data: string;
      }[]) {
        alerts.get(row.alert_id)?.audit.push(JSON.parse(row.data) as AuditEntry);
      }
      const meta = new Map(
        (
          db.prepare('SELECT key, value FROM alert_meta').all() as { key: string; value: string }[]
        ).map((r) => [r.key, r.value]),
      );
      const mutes = new Map(
        (
          db.prepare('SELECT key, until FROM alert_mutes').all() as { key: string; until: number }[]
        ).map((r) => [r.key, r.until]),
      );
      return {
        alerts: [...alerts.values()],
        state: {
          nextSeq: Number(meta.get('nextSeq') ?? 1),
          clockMs: meta.has('clockMs') ? Number(meta.get('clockMs')) : -Infinity,
          wallClockMs: meta.has('wallClockMs') ? Number(meta.get('wallClockMs')) : -Infinity,
          mutes,
        },
      };
    },
    remove: (ids) => remove(ids),
    close: () => db.close(),
  };
}

function rowOf(alert: Alert): AlertRow {
  const { members: _members, timeline: _timeline, audit: _audit, ...row } = alert;
  return row;
}
