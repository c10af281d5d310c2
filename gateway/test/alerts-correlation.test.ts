import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertLoop } from '../src/alerts/alert-loop.ts';
import { builtInRules, parseAlertRules, type AlertRules } from '../src/alerts/rules.ts';
import { T0, addDevicesIn, findingOf, sensorsIn, testTwin } from '../src/alerts/test-city.ts';
import type { TwinState } from '../src/twin-state/twin-state.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const { quietMs, holdMs, muteMs } = builtInRules().timing;
let dir: string;
let loops: AlertLoop[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-alerts-'));
});
afterEach(async () => {
  for (const loop of loops) await loop.close();
  loops = [];
  await rm(dir, { recursive: true, force: true });
});

function startLoop(twin: TwinState, rules: AlertRules = builtInRules(), file = 'alerts.db') {
  const loop = new AlertLoop({
    dbPath: join(dir, file),
    rules,
    twin,
    log: pino({ level: 'silent' }),
    // Signal time runs up to a day past T0 in these tests; the wall clock is later still.
    now: () => T0 + 30 * DAY,
  });
  loops.push(loop);
  return loop;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 5));

describe('correlating findings into incidents', () => {
  it('makes one incident of a burst of 30 findings from 12 devices arriving concurrently', async () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const devices = sensorsIn(twin, 'd02', 'water').slice(0, 12);
    const signals = Array.from({ length: 30 }, (_, i) =>
      findingOf(devices[i % 12]!, 'water', T0 + i * 2000, {
        kind: i % 3 === 0 ? 'level_shift' : 'spike',
        score: 0.6 + (i % 7) / 20,
      }),
    );
    await Promise.all(
      signals.map(async (signal) => {
        await pause();
        loop.onSignal(signal);
      }),
    );
    const alerts = loop.list();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      id: 'inc-000001',
      layer: 'water',
      place: { system: 'admin', id: 'd02', name: 'Riverside' },
      findings: 30,
      devices: 12,
      openedAt: T0,
      lastSignalAt: T0 + 29 * 2000,
      department: 'water-utility',
    });
    const detail = loop.detail('inc-000001')!;
    expect(detail.memberList.reduce((n, m) => n + m.count, 0)).toBe(30);
    expect(new Set(detail.memberList.map((m) => m.device))).toEqual(new Set(devices));
    // Every grid system names a region.
    expect(Object.keys(detail.regions).sort()).toEqual(
      ['admin', 'governance', 'operations', 'policing', 'utilities'].sort(),
    );
  });

  it('shows 500 findings in one district as one incident with 500 members', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const devices = addDevicesIn(twin, 'd05', 'air', 500);
    devices.forEach((device, i) => loop.onSignal(findingOf(device, 'air', T0 + i * 100)));
    const alerts = loop.list({ states: ['open'] });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      members: 500,
      devices: 500,
      findings: 500,
      severity: 'critical',
    });
    expect(loop.detail(alerts[0]!.id)!.brief).toMatch(/Sensors: 500: .*and 490 more\./);
  });

  it('keeps different layers and districts apart', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    loop.onSignal(findingOf(sensorsIn(twin, 'd02', 'water')[0]!, 'water', T0));
    loop.onSignal(findingOf(sensorsIn(twin, 'd02', 'traffic')[0]!, 'traffic', T0 + 1));
    loop.onSignal(findingOf(sensorsIn(twin, 'd03', 'water')[0]!, 'water', T0 + 2));
    loop.onSignal(findingOf(sensorsIn(twin, 'd02', 'water')[1]!, 'water', T0 + 3));
    expect(loop.list().map((a) => [a.id, a.place.id, a.layer, a.findings])).toEqual([
      ['inc-000003', 'd03', 'water', 1],
      ['inc-000002', 'd02', 'traffic', 1],
      ['inc-000001', 'd02', 'water', 2],
    ]);
  });

  it('keeps a flapping condition one alert and resolves it once clear for the hold time', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const device = sensorsIn(twin, 'd04', 'power')[0]!;
    let t = T0;
    for (let i = 0; i < 6; i++) {
      loop.onSignal(findingOf(device, 'power', t));
      // Quiet long enough to clear, back before the hold time is over.
      t += quietMs + holdMs / 2;
    }
    const [alert] = loop.list();
    expect(loop.list()).toHaveLength(1);
    expect(alert).toMatchObject({ state: 'discovered', findings: 6, flaps: 5 });
    const last = t - quietMs - holdMs / 2;
    loop.observeTime(last + quietMs + holdMs - 1);
    expect(loop.list()[0]!.state).toBe('discovered');
    loop.observeTime(last + quietMs + holdMs);
    const resolved = loop.detail(alert!.id)!;
    expect(resolved).toMatchObject({ state: 'resolved', resolvedAt: last + quietMs + holdMs });
    expect(resolved.audit.at(-1)).toMatchObject({
      action: 'auto_resolve',
      role: 'system',
      from: 'discovered',
      to: 'resolved',
      at: last + quietMs + holdMs,
    });
    // After resolution the same condition opens a new alert.
    loop.onSignal(findingOf(device, 'power', last + quietMs + holdMs + MINUTE));
    expect(loop.list().map((a) => a.id)).toEqual(['inc-000002', 'inc-000001']);
  });

  it('clears when every member reports clear, then resolves after the hold time', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const [a, b] = sensorsIn(twin, 'd06', 'fire');
    loop.onSignal(findingOf(a!, 'fire', T0, { kind: 'missing' }));
    loop.onSignal(findingOf(b!, 'fire', T0 + 1000, { kind: 'missing' }));
    loop.onSignal(findingOf(a!, 'fire', T0 + 2000, { kind: 'missing', clear: true }));
    expect(loop.list()[0]!.clearSince).toBeNull();
    loop.onSignal(findingOf(b!, 'fire', T0 + 3000, { kind: 'missing', clear: true }));
    expect(loop.list()[0]!.clearSince).toBe(T0 + 3000);
    loop.observeTime(T0 + 3000 + holdMs);
    expect(loop.list()[0]!.state).toBe('resolved');
  });

  it('keeps a finding from long before an open incident out of it', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const [a, b] = sensorsIn(twin, 'd02', 'water');
    loop.onSignal(findingOf(a!, 'water', T0 + DAY, { score: 0.9 }));
    // b's backlog arrives after a's finding: its finding is from 22 hours before.
    loop.onSignal(findingOf(b!, 'water', T0 + 2 * 3600_000, { score: 0.9 }));
    loop.onSignal(findingOf(b!, 'water', T0 + DAY + MINUTE, { score: 0.9 }));
    const alerts = loop.list();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ openedAt: T0 + DAY, findings: 2, devices: 2 });
  });

  it('opens alerts only from the open score up, and lets weaker findings join open ones', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const [a, b] = sensorsIn(twin, 'd01', 'noise');
    loop.onSignal(findingOf(a!, 'noise', T0, { score: 0.3 }));
    expect(loop.list()).toHaveLength(0);
    loop.onSignal(findingOf(a!, 'noise', T0 + 1000, { score: 0.7 }));
    loop.onSignal(findingOf(b!, 'noise', T0 + 2000, { score: 0.3 }));
    expect(loop.list()).toMatchObject([{ findings: 2, devices: 2 }]);
  });

  it('grows severity with the sensors involved and routes by the rules file', () => {
    const twin = testTwin();
    const rules = parseAlertRules(
      [
        'default: ops-desk',
        'rules:',
        '  - layer: traffic',
        '    severity: [critical, major]',
        '    department: traffic-police',
        '    autoDispatch: true',
      ].join('\n'),
    );
    const loop = startLoop(twin, rules);
    const devices = sensorsIn(twin, 'd07', 'traffic').slice(0, 10);
    loop.onSignal(findingOf(devices[0]!, 'traffic', T0, { score: 0.65 }));
    expect(loop.list()[0]).toMatchObject({
      severity: 'warning',
      state: 'discovered',
      department: 'traffic-management',
    });
    devices
      .slice(1)
      .forEach((d, i) => loop.onSignal(findingOf(d, 'traffic', T0 + i + 1, { score: 0.65 })));
    const detail = loop.detail('inc-000001')!;
    expect(detail).toMatchObject({
      severity: 'major',
      state: 'dispatched',
      department: 'traffic-police',
    });
    expect(detail.audit.at(-1)).toMatchObject({
      action: 'auto_dispatch',
      role: 'system',
      who: 'sensegrid',
    });
  });

  it('mutes the same finding at the same place after a false alarm, for the mute time', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const device = sensorsIn(twin, 'd08', 'air')[0]!;
    loop.onSignal(findingOf(device, 'air', T0));
    const cancelled = loop.act('inc-000001', {
      action: 'cancel',
      operator: { name: 'dana', role: 'dispatcher' },
      note: 'sensor being cleaned',
    });
    expect(cancelled).toMatchObject({ ok: true, alert: { state: 'cancelled' } });
    loop.onSignal(findingOf(device, 'air', T0 + MINUTE));
    loop.onSignal(findingOf(device, 'air', T0 + MINUTE, { kind: 'dip' }));
    expect(loop.list().map((a) => [a.id, a.kind])).toEqual([
      ['inc-000002', 'dip'],
      ['inc-000001', 'spike'],
    ]);
    // By then the dip alert has resolved itself; the spike is heard again.
    loop.onSignal(findingOf(device, 'air', T0 + muteMs + 1));
    expect(loop.list()[0]).toMatchObject({ id: 'inc-000003', kind: 'spike' });
  });

  it('reopening a false alarm hears its findings again', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const device = sensorsIn(twin, 'd08', 'air')[0]!;
    const dispatcher = { name: 'dana', role: 'dispatcher' as const };
    loop.onSignal(findingOf(device, 'air', T0));
    loop.act('inc-000001', { action: 'cancel', operator: dispatcher });
    expect(loop.act('inc-000001', { action: 'reopen', operator: dispatcher })).toMatchObject({
      ok: true,
      alert: { state: 'discovered' },
    });
    loop.onSignal(findingOf(device, 'air', T0 + MINUTE));
    expect(loop.list()).toMatchObject([{ id: 'inc-000001', findings: 2 }]);
  });

  it('places a region signal of the risk analysis in its district and every grid system', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const beat = twin.sensors.sensors.find((s) => s.placement.district === 'd05')!.placement.systems
      .policing!;
    loop.onSignal({
      source: 'risk',
      kind: 'concentrated',
      layer: 'crowd',
      region: { system: 'policing', id: beat },
      score: 0.7,
      tsMs: T0,
      explanation: 'crowd findings concentrate in one beat',
    });
    const [alert] = loop.list();
    expect(alert!.regions.policing).toMatchObject({ id: beat });
    expect(alert!.place.system).toBe('admin');
    expect(alert!.regions.admin!.id).toBe(alert!.place.id);
    expect(Object.keys(alert!.regions).sort()).toEqual(
      ['admin', 'governance', 'operations', 'policing', 'utilities'].sort(),
    );
    expect(loop.detail(alert!.id)!.memberList).toMatchObject([{ device: null, region: beat }]);
  });

  it('does not let a device clock far ahead resolve the open alerts', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const [a, b] = sensorsIn(twin, 'd02', 'water');
    // A minute before the wall clock (T0 + 30 days in these tests).
    loop.onSignal(findingOf(a!, 'water', T0 + 30 * DAY - MINUTE));
    loop.onSignal(findingOf(b!, 'noise', T0 + 365 * DAY));
    loop.observeTime(T0 + 365 * DAY);
    // Signal time stopped 10 minutes past the wall clock: not quiet long enough to clear.
    expect(loop.list().find((x) => x.layer === 'water')).toMatchObject({
      state: 'discovered',
      clearSince: null,
    });
  });

  it('runs alerts about live traffic on the wall clock and the others on data time', () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const wallNow = T0 + 30 * DAY;
    loop.onSignal(findingOf(sensorsIn(twin, 'd02', 'water')[0]!, 'water', T0));
    loop.onSignal({
      source: 'traffic',
      kind: 'flood',
      layer: 'netsec',
      device: 'rogue-client',
      score: 0.9,
      tsMs: wallNow - 50 * MINUTE,
      explanation: 'rogue-client publishes 40 times its usual rate',
    });
    // A wall-clock signal does not move data time: the water alert stays open.
    expect(loop.list().map((a) => [a.layer, a.state, a.place.id])).toEqual([
      ['netsec', 'discovered', 'city'],
      ['water', 'discovered', 'd02'],
    ]);
    // The timer moves the wall clock: the traffic alert resolves, the water one does not.
    loop.checkEscalations();
    expect(loop.list().map((a) => [a.layer, a.state])).toEqual([
      ['netsec', 'resolved'],
      ['water', 'discovered'],
    ]);
    expect(loop.list()[0]!.resolvedAt).toBe(wallNow - 50 * MINUTE + quietMs + holdMs);
  });

  it('gives the same alerts, ids and times when the same signals are replayed', () => {
    const run = (file: string) => {
      const twin = testTwin();
      const loop = startLoop(twin, builtInRules(), file);
      const devices = [
        ...sensorsIn(twin, 'd02', 'water').slice(0, 5),
        ...sensorsIn(twin, 'd09', 'structure').slice(0, 5),
      ];
      for (let i = 0; i < 200; i++) {
        const device = devices[(i * 7) % devices.length]!;
        const layer = device.startsWith('water') ? 'water' : 'structure';
        // Every 50 findings a pause of 3 hours: the open alerts resolve, new ones open.
        const ts = T0 + i * 37_000 + Math.floor(i / 50) * 3 * 3_600_000;
        loop.onSignal(findingOf(device, layer, ts, { score: 0.5 + ((i * 13) % 50) / 100 }));
      }
      loop.observeTime(T0 + 24 * 3_600_000);
      return loop
        .list({ limit: 1000 })
        .map((a) => ({ ...a, brief: loop.detail(a.id)!.brief, audit: loop.detail(a.id)!.audit }));
    };
    const first = run('a.db');
    expect(first).toHaveLength(8);
    expect(first.every((a) => a.state === 'resolved')).toBe(true);
    expect(run('b.db')).toEqual(first);
  });

  it('counts each open incident once, by severity, in the twin rollups of its regions', async () => {
    const twin = testTwin();
    const loop = startLoop(twin);
    const devices = addDevicesIn(twin, 'd03', 'water', 40);
    devices.forEach((d, i) => loop.onSignal(findingOf(d, 'water', T0 + i, { score: 0.95 })));
    // The signals of one tick are written, published and counted together at its end.
    await Promise.resolve();
    const [alert] = loop.list();
    expect(alert).toMatchObject({ severity: 'critical', devices: 40 });
    for (const region of Object.values(alert!.regions))
      expect(twin.rollups.get(region.id, 'water')!.alerts, region.id).toEqual([1, 0, 0, 0]);
    expect(twin.rollups.get('city', 'water')!.alerts).toEqual([1, 0, 0, 0]);
    loop.act(alert!.id, { action: 'cancel', operator: { name: 'dana', role: 'admin' } });
    expect(twin.rollups.get('d03', 'water')!.alerts).toEqual([0, 0, 0, 0]);
  });
});
