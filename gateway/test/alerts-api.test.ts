import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../src/alerts/summary.ts';
import { T0, findingOf } from '../src/alerts/test-city.ts';
import { startGateway, type RunningGateway } from './gateway-harness.ts';
import { signIn, type SignedIn } from './harness/sign-in.ts';
import {
  call,
  city,
  published,
  running,
  start,
  useAlertApiGateway,
  users,
  water,
} from './alerts-api-gateway.ts';

useAlertApiGateway();

describe('the alert API', () => {
  it('lists alerts newest first to a viewer, with filters', async () => {
    const all = await call('GET', '/api/alerts', users.viewer);
    expect(all.status).toBe(200);
    const alerts = all.body.alerts as AlertSummary[];
    expect(alerts.map((a) => [a.id, a.layer, a.place.id, a.devices])).toEqual([
      ['inc-000002', 'traffic', 'd04', 1],
      ['inc-000001', 'water', 'd02', 4],
    ]);
    const water = await call('GET', '/api/alerts?state=open&layer=water', users.viewer);
    expect((water.body.alerts as AlertSummary[]).map((a) => a.id)).toEqual(['inc-000001']);
    const byRegion = await call(
      'GET',
      `/api/alerts?region=${alerts[0]!.regions.policing!.id}`,
      users.viewer,
    );
    expect((byRegion.body.alerts as AlertSummary[]).map((a) => a.id)).toContain('inc-000002');
    expect(await call('GET', '/api/alerts?state=sleeping', users.viewer)).toMatchObject({
      status: 400,
      body: { error: 'SENSEGRID_BAD_REQUEST' },
    });
  });

  it('runs the loop through the API, audits each step and figures the evaluation', async () => {
    const steps: [string, SignedIn, unknown][] = [
      ['dispatch', users.dispatcher, { note: 'crew 4' }],
      ['accept', users.operator, {}],
      ['resolve', users.operator, { note: 'valve replaced' }],
      ['evaluate', users.dispatcher, { rating: 4, comment: 'quick' }],
    ];
    for (const [action, user, body] of steps) {
      const result = await call('POST', `/api/alerts/inc-000001/${action}`, user, body);
      expect(result.status, JSON.stringify(result.body)).toBe(200);
    }
    await call('POST', '/api/alerts/inc-000002/cancel', users.admin, { note: 'road works' });
    const detail = (await call('GET', '/api/alerts/inc-000001', users.viewer)).body;
    expect(detail).toMatchObject({ state: 'evaluated', department: 'water-utility' });
    expect(
      (detail.audit as { who: string; action: string }[]).map((a) => [a.who, a.action]),
    ).toEqual([
      ['sensegrid', 'discover'],
      ['dispatcher', 'dispatch'],
      ['operator', 'accept'],
      ['operator', 'resolve'],
      ['dispatcher', 'evaluate'],
    ]);
    expect(detail.brief).toMatch(/^Water network .* in Riverside: /);
    expect(detail.evaluation).toMatchObject({ slaMet: true, rating: 4, comment: 'quick' });

    const evaluation = await call('GET', '/api/evaluation?by=department', users.viewer);
    const groups = evaluation.body.groups as Record<string, unknown>[];
    expect(groups.find((g) => g.department === 'water-utility')).toMatchObject({
      alerts: 1,
      resolved: 1,
      falseAlarms: 0,
      slaCompliance: 1,
      ratingMean: 4,
      ratings: 1,
    });
    expect(groups.find((g) => g.department === 'traffic-management')).toMatchObject({
      alerts: 1,
      falseAlarms: 1,
      falseAlarmRate: 1,
    });
    const metrics = await (await fetch(`${running.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/sensegrid_false_alarms_total\{layer="traffic",kind="spike"\} 1/);
  });

  it('lets exactly one of several concurrent accepts through; the others get 409', async () => {
    running.gateway.signals.raise(findingOf(water[5]!, 'power', start + 9000));
    const id = (await call('GET', '/api/alerts?layer=power', users.viewer)).body
      .alerts as AlertSummary[];
    await call('POST', `/api/alerts/${id[0]!.id}/dispatch`, users.dispatcher, {});
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        call('POST', `/api/alerts/${id[0]!.id}/accept`, users.operator, {}),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const detail = (await call('GET', `/api/alerts/${id[0]!.id}`, users.viewer)).body;
    expect(
      (detail.audit as { action: string }[]).filter((a) => a.action === 'accept'),
    ).toHaveLength(1);
  });

  it('publishes every change on $twin/alerts for the consoles', async () => {
    await expect
      .poll(() => published.filter((a) => a.id === 'inc-000001').at(-1)?.state)
      .toBe('evaluated');
    expect(published.filter((a) => a.id === 'inc-000001').map((a) => a.state)).toEqual(
      expect.arrayContaining(['discovered', 'dispatched', 'in_progress', 'resolved', 'evaluated']),
    );
  });

  it('writes every change to the store as a point of the alerts measurement', async () => {
    await expect
      .poll(async () =>
        (await running.gateway.store.alertPoints(start - 1, Date.now() + 60_000)).map(
          (p) => p.state,
        ),
      )
      .toEqual(
        expect.arrayContaining([
          'discovered',
          'dispatched',
          'in_progress',
          'resolved',
          'evaluated',
          'cancelled',
        ]),
      );
  });
});

describe('the alert loop across a gateway restart', () => {
  it('keeps states, audit trails and members, and the same ids', async () => {
    const other = await startGateway({}, { city });
    try {
      const admin = await signIn(other, 'admin');
      other.gateway.signals.raise(findingOf(water[0]!, 'water', T0));
      other.gateway.signals.raise(findingOf(water[1]!, 'water', T0 + 1000));
      const get = async (g: RunningGateway, user: SignedIn) =>
        (await (
          await fetch(`${g.httpUrl}/api/alerts/inc-000001`, { headers: user.headers })
        ).json()) as Record<string, unknown>;
      await fetch(`${other.httpUrl}/api/alerts/inc-000001/dispatch`, {
        method: 'POST',
        headers: { ...admin.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ department: 'mains-repair' }),
      });
      const before = await get(other, admin);
      await other.gateway.close();
      const again = await startGateway({ dataDir: other.dataDir }, { city });
      try {
        const after = await get(again, await signIn(again, 'admin'));
        const { overdue: _a, ...kept } = before;
        expect(after).toMatchObject(kept);
        expect(after).toMatchObject({
          state: 'dispatched',
          department: 'mains-repair',
          members: 2,
        });
      } finally {
        await again.gateway.close();
      }
    } finally {
      await other.dispose();
    }
  });
});
