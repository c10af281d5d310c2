// Who may read and act on alerts through the API, and how the API describes itself.
import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../src/alerts/summary.ts';
import { T0, findingOf, sensorsIn, testTwin } from '../src/alerts/test-city.ts';
import { startGateway } from './gateway-harness.ts';
import { call, city, useAlertApiGateway, users } from './alerts-api-gateway.ts';

useAlertApiGateway();

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
});
