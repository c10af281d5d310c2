import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { findingOf, sensorsIn, testCity, testTwin } from '../src/alerts/test-city.ts';
import { parseConfig } from '../src/config.ts';
import { startGateway, type RunningGateway } from './gateway-harness.ts';

const city = testCity();
const twin = testTwin();
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const dispatcher = { name: 'dana', role: 'dispatcher' as const };
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A gateway on `dataDir` with its log lines collected. */
async function gatewayOn(dataDir: string | undefined, alertsRetentionMs?: string) {
  const lines: { msg: string; [key: string]: unknown }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const running = await startGateway(
    { ...(dataDir ? { dataDir } : {}), ...(alertsRetentionMs ? { alertsRetentionMs } : {}) },
    { city, log },
  );
  dirs.push(running.dataDir);
  return { running, lines };
}

async function alertIds(running: RunningGateway): Promise<string[]> {
  const response = await fetch(`${running.httpUrl}/api/alerts?limit=1000`);
  return ((await response.json()) as { alerts: { id: string }[] }).alerts.map((a) => a.id);
}

async function prunedTotal(running: RunningGateway): Promise<number> {
  const text = await (await fetch(`${running.httpUrl}/metrics`)).text();
  return Number(/^sensegrid_alerts_pruned_total (\d+)$/m.exec(text)?.[1]);
}

function rowsInFile(dataDir: string, id: string): number {
  const db = new Database(join(dataDir, 'alerts.db'), { readonly: true });
  try {
    return [
      'alerts:id',
      'alert_members:alert_id',
      'alert_timeline:alert_id',
      'alert_audit:alert_id',
    ]
      .map((spec) => {
        const [table, column] = spec.split(':');
        return (
          db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).get(id) as {
            n: number;
          }
        ).n;
      })
      .reduce((a, b) => a + b, 0);
  } finally {
    db.close();
  }
}

describe('--alerts-retention in the gateway', () => {
  it('prunes at start only closed incidents past it, and keeps doing so across restarts', async () => {
    // Three incidents made with every alert kept: one closed 200 days ago, one open since
    // then (its place went quiet), one closed just now.
    const first = await gatewayOn(undefined, '0');
    const dataDir = first.running.dataDir;
    const { gateway } = first.running;
    const old = Date.now() - 200 * DAY;
    gateway.signals.raise(findingOf(sensorsIn(twin, 'd02', 'water')[0]!, 'water', old));
    gateway.alerts.observeTime(old + 2 * HOUR);
    gateway.signals.raise(findingOf(sensorsIn(twin, 'd05', 'air')[0]!, 'air', old + 3 * HOUR));
    const device = sensorsIn(twin, 'd07', 'air')[0]!;
    gateway.signals.raise(
      findingOf(device, 'netsec', Date.now() - 60_000, { source: 'traffic', kind: 'flood' }),
    );
    expect(gateway.alerts.act('inc-000003', { action: 'cancel', operator: dispatcher }).ok).toBe(
      true,
    );
    expect(gateway.alerts.list().map((a) => [a.id, a.state])).toEqual([
      ['inc-000003', 'cancelled'],
      ['inc-000002', 'discovered'],
      ['inc-000001', 'resolved'],
    ]);
    await gateway.close();
    expect(rowsInFile(dataDir, 'inc-000001')).toBeGreaterThan(3);

    // 0 keeps everything, however old.
    const keepAll = await gatewayOn(dataDir, '0');
    expect(await alertIds(keepAll.running)).toEqual(['inc-000003', 'inc-000002', 'inc-000001']);
    expect(await prunedTotal(keepAll.running)).toBe(0);
    await keepAll.running.gateway.close();

    // The default, 90 days: the old closed incident goes at start, the others stay.
    const pruning = await gatewayOn(dataDir);
    expect(await alertIds(pruning.running)).toEqual(['inc-000003', 'inc-000002']);
    expect((await fetch(`${pruning.running.httpUrl}/api/alerts/inc-000001`)).status).toBe(404);
    expect(await prunedTotal(pruning.running)).toBe(1);
    expect(
      pruning.lines.filter((l) => l.msg === 'closed alerts past the retention deleted'),
    ).toMatchObject([{ pruned: 1, component: 'alerts' }]);
    // A wall-clock incident: data time stays where it was, so inc-000002 stays open.
    pruning.running.gateway.signals.raise(
      findingOf(sensorsIn(twin, 'd09', 'fire')[0]!, 'netsec', Date.now() - 60_000, {
        source: 'traffic',
      }),
    );
    await pruning.running.gateway.close();
    expect(rowsInFile(dataDir, 'inc-000001')).toBe(0);
    expect(rowsInFile(dataDir, 'inc-000002')).toBeGreaterThan(0);

    // Another restart: nothing comes back, nothing more goes, and ids never repeat.
    const again = await gatewayOn(dataDir);
    expect(await alertIds(again.running)).toEqual(['inc-000004', 'inc-000003', 'inc-000002']);
    expect(await prunedTotal(again.running)).toBe(0);
    expect(again.lines.some((l) => l.msg === 'closed alerts past the retention deleted')).toBe(
      false,
    );
    await again.running.gateway.close();
  });

  it('reads durations like 90d, 12h or 30m, 0 to keep all, and refuses others by name', () => {
    expect(parseConfig({}).alertsRetentionMs).toBe(90 * DAY);
    expect(parseConfig({ alertsRetentionMs: '12h' }).alertsRetentionMs).toBe(12 * HOUR);
    expect(parseConfig({ alertsRetentionMs: '30m' }).alertsRetentionMs).toBe(30 * 60_000);
    expect(parseConfig({ alertsRetentionMs: '0' }).alertsRetentionMs).toBe(0);
    expect(parseConfig({ alertsRetentionMs: String(DAY) }).alertsRetentionMs).toBe(DAY);
    expect(() => parseConfig({ alertsRetentionMs: 'a while' })).toThrow(
      /--alerts-retention \(SENSEGRID_ALERTS_RETENTION\): use a duration like 12h/,
    );
    expect(() => parseConfig({ alertsRetentionMs: '30s' })).toThrow(
      /--alerts-retention .*use 0 to keep every alert, or at least 1m/,
    );
  });
});
