import { describe, expect, it } from 'vitest';
import { parseAlertRules } from '../src/alerts/rules.ts';
import { T0, addDevicesIn, findingOf, sensorsIn, testTwin } from '../src/alerts/test-city.ts';
import { DAY, MINUTE, useAlertLoops } from './alert-loop-setup.ts';

const startLoop = useAlertLoops();

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
