import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertLoop } from '../src/alerts/alert-loop.ts';
import { builtInRules } from '../src/alerts/rules.ts';
import { T0, findingOf, sensorsIn, testTwin } from '../src/alerts/test-city.ts';
import type { TwinState } from '../src/twin-state/twin-state.ts';

const MINUTE = 60_000;
const rules = builtInRules();
let dir: string;
let now = T0;
let open: AlertLoop[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-alerts-restart-'));
  now = T0;
});
afterEach(async () => {
  for (const loop of open) await loop.close().catch(() => undefined);
  open = [];
  await rm(dir, { recursive: true, force: true });
});

function startLoop(twin: TwinState = testTwin()) {
  const loop = new AlertLoop({
    dbPath: join(dir, 'alerts.db'),
    rules,
    twin,
    log: pino({ level: 'silent' }),
    now: () => now,
  });
  open.push(loop);
  return loop;
}

const dispatcher = { name: 'dana', role: 'dispatcher' as const };
const operator = { name: 'omar', role: 'operator' as const };

describe('the alert loop across a restart', () => {
  it('loses nothing: states, audit trails, members, mutes and the id sequence survive', async () => {
    const twin = testTwin();
    const first = startLoop(twin);
    const water = sensorsIn(twin, 'd02', 'water');
    const air = sensorsIn(twin, 'd05', 'air');
    water.slice(0, 8).forEach((d, i) => first.onSignal(findingOf(d, 'water', T0 + i * 1000)));
    first.onSignal(findingOf(air[0]!, 'air', T0 + 9000));
    first.onSignal(findingOf(sensorsIn(twin, 'd01', 'noise')[0]!, 'noise', T0 + 9500));
    now = T0 + 2 * MINUTE;
    expect(
      first.act('inc-000001', { action: 'dispatch', operator: dispatcher, note: 'crew 4' }).ok,
    ).toBe(true);
    now = T0 + 5 * MINUTE;
    expect(first.act('inc-000001', { action: 'accept', operator }).ok).toBe(true);
    expect(
      first.act('inc-000002', { action: 'cancel', operator: dispatcher, note: 'calibration' }).ok,
    ).toBe(true);
    const before = first.list({ limit: 1000 }).map((a) => first.detail(a.id));
    await first.close();

    const twinAfter = testTwin();
    const second = startLoop(twinAfter);
    expect(second.list({ limit: 1000 }).map((a) => second.detail(a.id))).toEqual(before);
    // The open incident counts again in its district's badge; the cancelled one does not.
    expect(twinAfter.rollups.get('d02', 'water')!.alerts.reduce((a, b) => a + b)).toBe(1);
    expect(twinAfter.rollups.get('d05', 'air')!.alerts.reduce((a, b) => a + b)).toBe(0);

    // The open alert keeps taking findings; the false alarm's finding stays muted.
    second.onSignal(findingOf(water[8]!, 'water', T0 + 20_000));
    second.onSignal(findingOf(air[1]!, 'air', T0 + 21_000));
    expect(second.detail('inc-000001')).toMatchObject({
      state: 'in_progress',
      findings: 9,
      devices: 9,
    });
    expect(second.list().map((a) => a.id)).toEqual(['inc-000003', 'inc-000002', 'inc-000001']);
    // A new place gets the next id in sequence.
    second.onSignal(findingOf(sensorsIn(twinAfter, 'd09', 'fire')[0]!, 'fire', T0 + 22_000));
    expect(second.list()[0]!.id).toBe('inc-000004');
  });

  it('escalates an overdue step once, with an audit entry', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    loop.onSignal(findingOf(sensorsIn(twin, 'd03', 'fire')[0]!, 'fire', T0, { score: 0.8 }));
    const alert = loop.list()[0]!;
    expect(alert.severity).toBe('major');
    expect(alert.slaDueAt).toBe(T0 + rules.sla.major.dispatchMs);
    now = alert.slaDueAt!;
    expect(loop.checkEscalations()).toBe(0);
    now = alert.slaDueAt! + 1;
    expect(loop.list()[0]!.overdue).toBe(true);
    expect(loop.checkEscalations()).toBe(1);
    expect(loop.checkEscalations()).toBe(0);
    const detail = loop.detail(alert.id)!;
    expect(detail.escalated).toBe(1);
    expect(detail.audit.at(-1)).toMatchObject({
      action: 'escalate',
      who: 'sensegrid',
      from: 'discovered',
      to: 'discovered',
      note: 'dispatch overdue (SLA for major)',
    });
    // The next step has its own deadline and escalates on its own.
    loop.act(alert.id, { action: 'dispatch', operator: dispatcher });
    now = T0 + rules.sla.major.acceptMs + 1;
    expect(loop.checkEscalations()).toBe(1);
    expect(loop.detail(alert.id)!.escalated).toBe(2);
  });

  it('figures the evaluation per department after a full loop', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const water = sensorsIn(twin, 'd02', 'water');
    loop.onSignal(findingOf(water[0]!, 'water', T0));
    loop.onSignal(findingOf(sensorsIn(twin, 'd03', 'water')[0]!, 'water', T0 + 1000));
    loop.onSignal(findingOf(sensorsIn(twin, 'd04', 'water')[0]!, 'water', T0 + 2000));
    loop.onSignal(findingOf(sensorsIn(twin, 'd04', 'traffic')[0]!, 'traffic', T0 + 3000));
    const step = (
      id: string,
      minutes: number,
      action: 'dispatch' | 'accept' | 'resolve',
      who = operator,
    ) => {
      now = T0 + minutes * MINUTE;
      const result = loop.act(id, { action, operator: action === 'dispatch' ? dispatcher : who });
      if (!result.ok) throw new Error(result.message);
    };
    step('inc-000001', 10, 'dispatch');
    step('inc-000001', 20, 'accept');
    step('inc-000001', 60, 'resolve');
    step('inc-000002', 30, 'dispatch');
    step('inc-000002', 40, 'accept');
    step('inc-000002', 500, 'resolve');
    loop.act('inc-000001', {
      action: 'evaluate',
      operator: dispatcher,
      rating: 5,
      comment: 'fast',
    });
    loop.act('inc-000002', { action: 'evaluate', operator: dispatcher, rating: 2 });
    loop.act('inc-000003', { action: 'cancel', operator: dispatcher });
    const groups = loop.evaluation('department');
    expect(groups.map((g) => g.department)).toEqual(['traffic-management', 'water-utility']);
    const water3 = groups[1]!;
    expect(water3).toMatchObject({
      alerts: 3,
      resolved: 2,
      falseAlarms: 1,
      falseAlarmRate: 1 / 3,
      medianDispatchMs: 20 * MINUTE - 500, // 10 min and 30 min less the second's 1 s head start
      medianAcceptMs: 10 * MINUTE,
      slaCompliance: 0.5, // the second took 500 minutes against 240
      ratingMean: 3.5,
      ratings: 2,
      ratingCounts: [0, 1, 0, 0, 1],
    });
    expect(water3.medianResolveMs).toBeCloseTo((60 * MINUTE + 500 * MINUTE - 1000) / 2, -1);
    expect(groups[0]).toMatchObject({ alerts: 1, resolved: 0, slaCompliance: null });
    // Per period: 2026-01-05 is a Monday, so its day and its week have the same key.
    expect(loop.evaluation('day')).toMatchObject([
      { period: '2026-01-05', alerts: 4, resolved: 2 },
    ]);
    expect(loop.evaluation('week')).toMatchObject([{ period: '2026-01-05', alerts: 4 }]);
    expect(loop.evaluation('day', T0 + 1500, T0 + 2500)).toMatchObject([{ alerts: 1 }]);
  });
});
