import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.ts';
import { AlertLoop } from './alert-loop.ts';
import { startAlertRetention, type AlertRetention } from './alert-retention.ts';
import { builtInRules } from './rules.ts';
import { T0, findingOf, sensorsIn, testTwin } from './test-city.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const RETENTION = 90 * DAY;
const dispatcher = { name: 'dana', role: 'dispatcher' as const };
const silent = pino({ level: 'silent' });
const twin = testTwin();

let dir: string;
let now: number;
let loops: AlertLoop[] = [];
let retentions: AlertRetention[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-alert-retention-'));
  now = T0;
});
afterEach(async () => {
  for (const retention of retentions) retention.stop();
  for (const loop of loops) await loop.close().catch(() => undefined);
  loops = [];
  retentions = [];
  await rm(dir, { recursive: true, force: true });
});

const dbPath = () => join(dir, 'alerts.db');

function openLoop(): AlertLoop {
  const loop = new AlertLoop({
    dbPath: dbPath(),
    rules: builtInRules(),
    twin,
    log: silent,
    now: () => now,
  });
  loops.push(loop);
  return loop;
}

function retain(loop: AlertLoop, retentionMs = RETENTION, everyMs?: number) {
  const metrics = createMetrics();
  const retention = startAlertRetention({
    loop,
    retentionMs,
    log: silent,
    counter: metrics.alertsPruned,
    now: () => now,
    ...(everyMs !== undefined ? { everyMs } : {}),
  });
  retentions.push(retention);
  return { retention, pruned: async () => (await metrics.alertsPruned.get()).values[0]?.value };
}

/**
 * Four incidents, the wall clock ending 100 days after the first signals:
 * inc-000001 evaluated and inc-000002 cancelled long ago, inc-000003 open since long ago
 * (its place went quiet and data time stopped), inc-000004 cancelled an hour ago.
 */
function fourIncidents(loop: AlertLoop): void {
  now = T0 + HOUR;
  loop.onSignal(findingOf(sensorsIn(twin, 'd02', 'water')[0]!, 'water', T0));
  loop.onSignal(findingOf(sensorsIn(twin, 'd03', 'fire')[0]!, 'fire', T0 + 1000));
  expect(loop.act('inc-000002', { action: 'cancel', operator: dispatcher }).ok).toBe(true);
  loop.observeTime(T0 + 2 * HOUR); // inc-000001 resolves itself, clear for the hold time
  now = T0 + 2 * HOUR;
  expect(loop.act('inc-000001', { action: 'evaluate', operator: dispatcher, rating: 4 }).ok).toBe(
    true,
  );
  loop.onSignal(findingOf(sensorsIn(twin, 'd05', 'air')[0]!, 'air', T0 + 3 * HOUR));
  now = T0 + 100 * DAY;
  const device = sensorsIn(twin, 'd07', 'air')[0]!;
  loop.onSignal(findingOf(device, 'netsec', now - HOUR, { source: 'traffic', kind: 'flood' }));
  expect(loop.act('inc-000004', { action: 'cancel', operator: dispatcher }).ok).toBe(true);
  expect(loop.list().map((a) => [a.id, a.state])).toEqual([
    ['inc-000004', 'cancelled'],
    ['inc-000003', 'discovered'],
    ['inc-000002', 'cancelled'],
    ['inc-000001', 'evaluated'],
  ]);
}

/** Rows per table that belong to `id`, read from the SQLite file itself. */
function rowsOf(id: string): Record<string, number> {
  const db = new Database(dbPath(), { readonly: true });
  try {
    const count = (table: string, column: string) =>
      (
        db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).get(id) as {
          n: number;
        }
      ).n;
    return {
      alerts: count('alerts', 'id'),
      members: count('alert_members', 'alert_id'),
      timeline: count('alert_timeline', 'alert_id'),
      audit: count('alert_audit', 'alert_id'),
    };
  } finally {
    db.close();
  }
}

const ids = (loop: AlertLoop) => loop.list({ limit: 1000 }).map((a) => a.id);

describe('the alert retention', () => {
  it('deletes closed alerts past it with their members, timelines and audit trails', async () => {
    const loop = openLoop();
    fourIncidents(loop);
    expect(rowsOf('inc-000001')).toMatchObject({ alerts: 1, members: 1, timeline: 1 });
    expect(rowsOf('inc-000001').audit).toBeGreaterThanOrEqual(3);
    const { pruned } = retain(loop);
    expect(await pruned()).toBe(2);
    expect(ids(loop)).toEqual(['inc-000004', 'inc-000003']);
    expect(loop.detail('inc-000001')).toBeUndefined();
    for (const id of ['inc-000001', 'inc-000002'])
      expect(rowsOf(id)).toEqual({ alerts: 0, members: 0, timeline: 0, audit: 0 });
  });

  it('keeps an open alert however old, and a closed one changed within it', () => {
    const loop = openLoop();
    fourIncidents(loop);
    const kept = ['inc-000003', 'inc-000004'].map((id) => loop.detail(id));
    const { retention } = retain(loop);
    expect(loop.detail('inc-000003')).toEqual(kept[0]);
    expect(loop.detail('inc-000004')).toEqual(kept[1]);
    expect(rowsOf('inc-000003').alerts).toBe(1);
    // Still open a year on: never pruned.
    now += 365 * DAY;
    expect(retention.prune()).toBe(1);
    expect(ids(loop)).toEqual(['inc-000003']);
    expect(loop.detail('inc-000003')!.state).toBe('discovered');
  });

  it('keeps every alert with a retention of 0', async () => {
    const loop = openLoop();
    fourIncidents(loop);
    now += 10 * 365 * DAY;
    const { retention, pruned } = retain(loop, 0);
    expect(retention.prune()).toBe(0);
    expect(await pruned()).toBe(0);
    expect(ids(loop)).toHaveLength(4);
    expect(rowsOf('inc-000001').alerts).toBe(1);
  });

  it('prunes again on its timer as alerts age past it, until stopped', async () => {
    const loop = openLoop();
    fourIncidents(loop);
    const { retention } = retain(loop, RETENTION, 20);
    expect(ids(loop)).toEqual(['inc-000004', 'inc-000003']);
    now += RETENTION + MINUTE; // inc-000004 was cancelled at the old `now`
    await expect.poll(() => ids(loop)).toEqual(['inc-000003']);
    retention.stop();
    loop.onSignal(
      findingOf(sensorsIn(twin, 'd07', 'air')[0]!, 'netsec', now, { source: 'traffic' }),
    );
    expect(loop.act('inc-000005', { action: 'cancel', operator: dispatcher }).ok).toBe(true);
    now += RETENTION + MINUTE;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ids(loop)).toEqual(['inc-000005', 'inc-000003']);
  });

  it('stays pruned across a restart, and ids keep counting from where they were', async () => {
    const first = openLoop();
    fourIncidents(first);
    retain(first);
    const survivors = ids(first).map((id) => first.detail(id));
    await first.close();
    const second = openLoop();
    expect(ids(second).map((id) => second.detail(id))).toEqual(survivors);
    // The restart's own prune finds nothing more to delete.
    expect(retain(second).retention.prune()).toBe(0);
    second.onSignal(findingOf(sensorsIn(twin, 'd09', 'fire')[0]!, 'fire', T0 + 4 * HOUR));
    expect(ids(second)[0]).toBe('inc-000005');
  });

  it('leaves the alerts open at a moment within it, and the evaluation of its period, whole', () => {
    const loop = openLoop();
    fourIncidents(loop);
    const since = now - RETENTION;
    const openAt = (t: number) => loop.list({ states: ['open'], at: t, limit: 1000 });
    const before = {
      lateOpen: openAt(now - 30 * MINUTE),
      recentOpen: openAt(since + MINUTE),
      evaluation: loop.evaluation('layer', since),
      early: openAt(T0 + 30 * MINUTE).map((a) => a.id),
    };
    retain(loop);
    expect(openAt(now - 30 * MINUTE)).toEqual(before.lateOpen);
    expect(openAt(since + MINUTE)).toEqual(before.recentOpen);
    expect(loop.evaluation('layer', since)).toEqual(before.evaluation);
    // Before the retained period only the incidents still kept are known.
    expect(before.early).toEqual(['inc-000002', 'inc-000001']);
    expect(openAt(T0 + 30 * MINUTE)).toEqual([]);
    expect(loop.evaluation('layer').map((g) => g.layer)).toEqual(['air', 'netsec']);
  });
});
