import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertSummary } from '../src/alerts/summary.ts';
import { T0, findingOf, sensorsIn, testCity, testTwin } from '../src/alerts/test-city.ts';
import { connectClient, startGateway, type RunningGateway } from './gateway-harness.ts';
import { signIn, type SignedIn } from './harness/sign-in.ts';

const city = testCity();
const twin = testTwin();
const water = sensorsIn(twin, 'd02', 'water');
const traffic = sensorsIn(twin, 'd04', 'traffic');

let running: RunningGateway;
const users: Record<'viewer' | 'operator' | 'dispatcher' | 'admin', SignedIn> = {} as never;
let consoleClient: MqttClient | undefined;
const published: AlertSummary[] = [];

/** Signal times near now, so SLA deadlines are not long past. */
const start = Date.now() - 60_000;

async function call(
  method: 'GET' | 'POST',
  path: string,
  user?: SignedIn,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${running.httpUrl}${path}`, {
    method,
    headers: {
      ...(user?.headers ?? {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  running = await startGateway({ openConsole: false }, { city });
  for (const role of ['viewer', 'operator', 'dispatcher', 'admin'] as const)
    users[role] = await signIn(running, role);
  consoleClient = await connectClient(`${running.httpUrl.replace('http', 'ws')}/mqtt`, {
    clientId: 'console-alerts-api-test',
    username: users.viewer.name,
    password: users.viewer.token,
  });
  consoleClient.on('message', (topic, payload) => {
    if (topic === '$twin/alerts')
      published.push((JSON.parse(payload.toString()) as { alert: AlertSummary }).alert);
  });
  await consoleClient.subscribeAsync('$twin/alerts');
  const { raise } = running.gateway.signals;
  water
    .slice(0, 4)
    .forEach((d, i) => raise(findingOf(d, 'water', start + i * 1000, { metric: 'pressure_bar' })));
  raise(findingOf(traffic[0]!, 'traffic', start + 5000, { metric: 'speed_kmh' }));
}, 60_000);

afterAll(async () => {
  await consoleClient?.endAsync(true);
  await running?.dispose();
});

describe('the alert API', () => {
  it('refuses requests without a token with 401', async () => {
    expect(await call('GET', '/api/alerts')).toMatchObject({
      status: 401,
      body: { error: 'SENSEGRID_UNAUTHENTICATED' },
    });
    expect(await call('POST', '/api/alerts/inc-000001/dispatch', undefined, {})).toMatchObject({
      status: 401,
    });
    // The API's description is open to all.
    expect((await call('GET', '/api/openapi.json')).status).toBe(200);
  });

  it('lets a guest of an open console look at alerts but not act on them', async () => {
    const open = await startGateway({ openConsole: true }, { city });
    try {
      const device = sensorsIn(testTwin(), 'd02', 'water')[0]!;
      open.gateway.signals.raise(findingOf(device, 'water', T0, { metric: 'pressure_bar' }));
      const list = await fetch(`${open.httpUrl}/api/alerts`);
      expect(list.status).toBe(200);
      const [alert] = ((await list.json()) as { alerts: AlertSummary[] }).alerts;
      const act = await fetch(`${open.httpUrl}/api/alerts/${alert!.id}/dispatch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(act.status).toBe(401);
      expect(((await act.json()) as { message: string }).message).toMatch(/sign/i);
    } finally {
      await open.dispose();
    }
  });

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

  it('answers 403 to a viewer dispatching and 409 to resolving a discovered alert', async () => {
    expect(await call('POST', '/api/alerts/inc-000001/dispatch', users.viewer, {})).toMatchObject({
      status: 403,
      body: { error: 'SENSEGRID_FORBIDDEN' },
    });
    const conflict = await call('POST', '/api/alerts/inc-000001/resolve', users.operator, {});
    expect(conflict).toMatchObject({
      status: 409,
      body: { error: 'SENSEGRID_INVALID_TRANSITION' },
    });
    expect(conflict.body.message).toMatch(/discovered cannot be resolved/);
    expect(await call('POST', '/api/alerts/inc-999999/accept', users.operator, {})).toMatchObject({
      status: 404,
    });
    // Refusals changed nothing.
    const detail = await call('GET', '/api/alerts/inc-000001', users.viewer);
    expect(detail.body).toMatchObject({ state: 'discovered' });
    expect(detail.body.audit).toHaveLength(1);
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

  it('serves an OpenAPI document of the alert routes and the existing ones', async () => {
    const doc = (await call('GET', '/api/openapi.json', users.viewer)).body as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    const documented = [
      '/api/health',
      '/metrics',
      '/api/devices',
      '/api/series',
      '/api/findings',
      '/api/regions',
      '/api/layers',
      '/api/city',
      '/api/sensors',
      '/api/alerts',
      '/api/alerts/{id}',
      '/api/alerts/{id}/dispatch',
      '/api/evaluation',
    ];
    for (const path of documented) expect(doc.paths, path).toHaveProperty([path]);
    // Every path parameter is declared, and every reference resolves.
    for (const [path, operations] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(operations)) {
        const declared = (operation.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name);
        expect(declared, `${method} ${path}`).toEqual(names);
      }
    }
    for (const [, name] of JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g))
      expect(doc.components.schemas).toHaveProperty([name!]);
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
