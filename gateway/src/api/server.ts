import { existsSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import type { StoreWriter } from '../ingest/store-writer.ts';
import type { WriteAheadLog } from '../ingest/wal.ts';
import type { Metrics } from '../metrics.ts';
import type { ReadingStore } from '../store/port.ts';
import type { DeviceRegistry } from '../twin-state/registry.ts';
import { placeholderPage } from './placeholder.ts';
import { BadRequest, parseSeriesQuery } from './query.ts';
import type { Findings } from '../detect/findings.ts';
import type { RiskAnalysis } from '../risk/index.ts';
import { registerTwinRoutes } from './twin-routes.ts';
import { registerHistoryRoutes, type HistoryRoutesDeps } from '../history/history-routes.ts';
import { registerTwinAtFrameRoute } from '../history/twin-at-frame.ts';
import { registerAlertRoutes } from './alert-routes.ts';
import { openApiDocument } from './openapi.ts';
import type { AlertLoop } from '../alerts/alert-loop.ts';
import type { LiveTwin } from '../twin-state/live-twin.ts';
import { registerSecurityRoutes } from './security-routes.ts';
import type { TrafficMonitor } from '../guard/traffic-monitor.ts';
import type { ConnectionGuard } from '../guard/connection-guard.ts';
import type { Auth } from '../auth/auth.ts';
import { registerAuth } from '../auth/http-auth.ts';

export interface ApiDeps {
  store: ReadingStore;
  wal: WriteAheadLog;
  writer: StoreWriter;
  registry: DeviceRegistry;
  metrics: Metrics;
  log: Logger;
  /** The streaming detectors' findings. */
  findings?: Findings;
  /** The risk analysis; `GET /api/risks` lists its current risks. */
  risks?: RiskAnalysis;
  /** Connected MQTT clients right now. */
  mqttClients: () => number;
  /** The built console (dashboards/dist); a placeholder page is served when absent. */
  consoleDir?: string;
  /** The live twin; its routes (/api/city, /api/regions, /api/layers...) are served when given. */
  twin?: LiveTwin;
  /** Minute aggregates; /api/history/regions/:id and /api/twin/at are served when given. */
  history?: HistoryRoutesDeps;
  /** The alert loop; /api/alerts and /api/evaluation are served when given. */
  alerts?: AlertLoop;
  /** The traffic monitor; /api/security is served when given. */
  traffic?: TrafficMonitor;
  /** The connection guard; its bans are listed and lifted at /api/bans. */
  connectionGuard?: ConnectionGuard;
  /** Sign-in and roles; without it every route is open (see auth/http-auth.ts). */
  auth?: Auth;
}

/** The HTTP API and the console, built without listening so tests can inject requests. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const { store, wal, writer, registry, metrics } = deps;
  const app = Fastify({
    // Request lines are info; the API logs only its warnings and errors.
    loggerInstance: deps.log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
  }) as unknown as FastifyInstance;

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) deps.log.error({ err: error }, 'request failed');
    void reply
      .status(status)
      .send({ error: error.code ?? 'SENSEGRID_INTERNAL', message: error.message });
  });

  if (deps.auth) registerAuth(app, deps.auth);

  app.get('/api/health', async () => {
    const storeHealth = await store.health();
    const walStats = wal.stats();
    const degraded = !storeHealth.ok || writer.state.failing || wal.full;
    return {
      status: degraded ? 'degraded' : 'ok',
      store: { kind: store.kind, ...storeHealth },
      writer: { ...writer.state, lagSeconds: writer.lagSeconds() },
      broker: { clients: deps.mqttClients() },
      wal: { ...walStats, full: wal.full },
      devices: registry.size,
    };
  });

  app.get('/metrics', async (_request, reply) => {
    const walStats = wal.stats();
    metrics.walPendingReadings.set(walStats.pendingReadings);
    metrics.walBytes.set(walStats.bytes);
    metrics.walWaitingAppends.set(walStats.waitingAppends);
    metrics.storeLagSeconds.set(writer.lagSeconds());
    void reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get('/api/devices', async () => ({ devices: registry.list() }));

  app.get('/api/devices/:id', async (request, reply) => {
    const device = registry.get((request.params as { id: string }).id);
    if (!device)
      return reply.status(404).send({ error: 'SENSEGRID_NOT_FOUND', message: 'no such device' });
    return device;
  });

  app.get('/api/findings', async (request) => {
    const query = request.query as { device?: string; limit?: string };
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new BadRequest('"limit" must be a whole number from 1 to 1000');
    }
    return { findings: deps.findings?.recent({ device: query.device, limit }) ?? [] };
  });

  app.get('/api/risks', async (request) => {
    const query = request.query as { kind?: string; system?: string };
    const risks = (deps.risks?.current() ?? []).filter(
      (risk) =>
        (query.kind === undefined || risk.kind === query.kind) &&
        (query.system === undefined || risk.region.system === query.system),
    );
    return { risks };
  });

  app.get('/api/series', async (request) => {
    const query = parseSeriesQuery(request.query as Record<string, string>, Date.now());
    return { ...query, points: await store.querySeries(query) };
  });

  if (deps.twin) await registerTwinRoutes(app, deps.twin);
  if (deps.history) {
    await registerHistoryRoutes(app, deps.history);
    registerTwinAtFrameRoute(app, deps.history);
  }
  if (deps.alerts) await registerAlertRoutes(app, deps.alerts);
  const openApi = openApiDocument();
  app.get('/api/openapi.json', async () => openApi);
  if (deps.traffic) {
    await registerSecurityRoutes(app, {
      traffic: deps.traffic,
      connectionGuard: deps.connectionGuard,
    });
  }

  if (deps.consoleDir && existsSync(deps.consoleDir)) {
    await app.register(fastifyStatic, { root: deps.consoleDir });
  } else {
    app.get('/', async (_request, reply) => reply.type('text/html').send(placeholderPage()));
  }
  return app;
}
