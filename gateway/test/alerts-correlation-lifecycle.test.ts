// How incidents clear, resolve, mute and reopen over time, and replay the same.
import { describe, expect, it } from 'vitest';
import { builtInRules } from '../src/alerts/rules.ts';
import { T0, findingOf, sensorsIn, testTwin } from '../src/alerts/test-city.ts';
import { DAY, MINUTE, useAlertLoops } from './alert-loop-setup.ts';

const { quietMs, holdMs, muteMs } = builtInRules().timing;
const startLoop = useAlertLoops();

describe('correlating findings into incidents', () => {
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
});
