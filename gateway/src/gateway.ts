import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { CityModel } from '@sensegrid/twin';
import { buildApi } from './api/server.ts';
import { openAuth, type Auth } from './auth/auth.ts';
import type { Config } from './config.ts';
import { readTls } from './startup.ts';
import { CredentialStore } from './guard/credentials.ts';
import { ConnectionGuard } from './guard/connection-guard.ts';
import { watchTraffic } from './guard/traffic-monitor-setup.ts';
import type { TrafficMonitor } from './guard/traffic-monitor.ts';
import type { TrafficOptions } from './guard/traffic/options.ts';
import { loadTrafficRules } from './guard/traffic/rules-file.ts';
import type { Findings } from './detect/findings.ts';
import { createIngest, type Ingest } from './ingest/ingest.ts';
import type { WriteAheadLog } from './ingest/wal.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createStore } from './store/create-store.ts';
import type { ReadingStore } from './store/port.ts';
import { DeviceRegistry, type PlaceFn } from './twin-state/registry.ts';
import type { AlertLoop } from './alerts/alert-loop.ts';
import { alertRulesFor, publishThrough, startGatewayAlerts } from './alerts/gateway-alerts.ts';
import { createLiveTwin, type LiveTwin } from './twin-state/live-twin.ts';
import { createHistory } from './history/history.ts';
import { twinPlacement } from './history/placement.ts';
import type { RiskAnalysis } from './risk/index.ts';
import { closeStorage, openStorage, type Storage } from './gateway-storage.ts';
import { openGatewayBroker, type GatewayBroker } from './gateway-broker.ts';
import { createDetection, createSignalHub, type SignalHub } from './gateway-signals.ts';

export interface GatewayDeps {
  /** Defaults to the store named by `config.store`. */
  store?: ReadingStore;
  /** Defaults to a silent logger. */
  log?: Logger;
  /** Places devices in the city; defaults to placement in `city`. */
  place?: PlaceFn;
  /** The city of the twin; defaults to the demo city (without pre-registered sensors). */
  city?: CityModel;
  /** The built console to serve at /. */
  consoleDir?: string;
  /** Thresholds of the traffic monitor, over those of `--traffic-rules` and the defaults. */
  traffic?: Partial<TrafficOptions>;
}

export interface Gateway {
  readonly config: Config;
  /** Opens the store and the log, then listens. Resolves with the bound ports. */
  start(): Promise<{ mqttPort: number; httpPort: number; tlsPort?: number }>;
  /** Stops accepting, flushes the write-ahead log to the store (within the shutdown timeout). */
  close(): Promise<{ drained: boolean }>;
  readonly ports: { mqttPort: number; httpPort: number; tlsPort?: number };
  readonly store: ReadingStore;
  readonly registry: DeviceRegistry;
  readonly metrics: Metrics;
  /** The streaming detectors' findings. */
  readonly findings: Findings;
  /** The live city twin: placement, status, rollups, frames to the console. */
  readonly twin: LiveTwin;
  /** Each device's usual traffic and what departs from it (`netsec` signals). */
  readonly traffic: TrafficMonitor;
  /** Concentrated, trending, emerging and cross-layer risks over the twin's regions. */
  readonly risks: RiskAnalysis;
  /** Where detectors, risk analysis and the traffic monitor raise signals; `onSignal` listens. */
  readonly signals: SignalHub;
  /** Findings become incidents and run the closed loop (available after start). */
  readonly alerts: AlertLoop;
  /** Available after start. */
  readonly ingest: Ingest;
  readonly wal: WriteAheadLog;
  /** Running totals for progress lines. */
  stats(): GatewayStats;
}

export interface GatewayStats {
  readingsReceived: number;
  readingsStored: number;
  payloadsRefused: number;
  mqttClients: number;
  walPendingReadings: number;
}

/** Builds the gateway; nothing listens until `start`. */
export function buildGateway(config: Config, deps: GatewayDeps = {}): Gateway {
  const log = deps.log ?? pino({ level: 'silent' });
  const store = deps.store ?? createStore(config.store, { token: config.influxToken });
  const metrics = createMetrics();
  const twin = createLiveTwin(deps.city);
  const registry = new DeviceRegistry(
    deps.place ?? twin.place,
    join(config.dataDir, 'devices.json'),
  );
  twin.watch(registry);
  // Minute aggregates written with each batch; the writer and the API use the store through it.
  const history = createHistory(store, twinPlacement(twin.state, registry), {
    pendingFile: join(config.dataDir, 'history-pending.ndjson'),
  });
  const ports: { mqttPort: number; httpPort: number; tlsPort?: number } = {
    mqttPort: 0,
    httpPort: 0,
  };
  let storage: Partial<Storage> = {};
  let ingest: Ingest | undefined;
  let mqtt: GatewayBroker | undefined;
  let http: Awaited<ReturnType<typeof buildApi>> | undefined;
  let closing: Promise<{ drained: boolean }> | undefined;
  let auth: Auth | undefined;

  const alertRules = alertRulesFor(config.alertRules);
  // Checked now, like the alert rules: a bad file stops the start.
  const trafficRules = config.trafficRules ? loadTrafficRules(config.trafficRules) : {};
  let alerts: ReturnType<typeof startGatewayAlerts> | undefined;
  const signals = createSignalHub();
  const { findings, risks } = createDetection({ signals, registry, twin, metrics, log });
  let silenceCheck: NodeJS.Timeout | undefined;
  const credentials = new CredentialStore(join(config.dataDir, 'credentials.json'));
  const connectionGuard = new ConnectionGuard({
    connectsPerSecondPerAddress: config.connectsPerSecPerAddress,
    authFailuresToBan: config.banAfterAuthFailures,
    reconnectsToBan: config.banAfterReconnects,
    banMs: config.banSeconds * 1000,
  });
  const trafficWatch = watchTraffic({
    raise: (signal) => signals.raise(signal),
    counter: metrics.trafficFindings,
    log: log.child({ component: 'traffic' }),
    options: { ...trafficRules, ...deps.traffic },
  });

  async function start() {
    const opened = await openStorage({ config, store, history, metrics, log });
    storage = opened;
    const { wal, writer, seqClock } = opened;
    const activeIngest = createIngest({ wal, registry, metrics, log, seqClock });
    ingest = activeIngest;
    alerts = startGatewayAlerts({
      dataDir: config.dataDir,
      rules: alertRules,
      retentionMs: config.alertsRetentionMs,
      twin: twin.state,
      store,
      metrics,
      log,
      signals,
      ingest,
    });
    ingest.onReadings((readings) => findings.push(readings));
    ingest.onReadings((readings) => risks.addReadings(readings));
    silenceCheck = setInterval(() => findings.checkSilence(), 10_000);
    silenceCheck.unref();
    auth = openAuth({
      dataDir: config.dataDir,
      tokenTtlMs: config.tokenTtlMs,
      openConsole: config.openConsole,
      connectionGuard,
      log: log.child({ component: 'auth' }),
      onSignIn: (result) => metrics.signIns.inc({ result }),
    });
    mqtt = await openGatewayBroker({
      config,
      auth,
      twin,
      credentials,
      connectionGuard,
      traffic: trafficWatch.monitor,
      ingest: activeIngest,
      metrics,
      log,
    });
    const { broker } = mqtt;
    ports.mqttPort = await broker.listenTcp(config.mqttPort, config.host);
    if (config.tlsCert && config.tlsKey) {
      ports.tlsPort = await broker.listenTls(config.tlsPort, config.host, await readTls(config));
    }
    twin.attach(activeIngest, broker.aedes);
    alerts.loop.attachPublisher(publishThrough(broker.aedes));
    http = await buildApi({
      store: history?.store ?? store,
      history: history && {
        history,
        twin,
        openAlertsAt: async (t: number) =>
          (alerts?.loop.list({ states: ['open'], at: t, limit: 1000 }) ?? []) as unknown[],
      },
      wal,
      writer,
      registry,
      metrics,
      log,
      mqttClients: () => broker.aedes.connectedClients,
      consoleDir: deps.consoleDir,
      twin,
      findings,
      alerts: alerts.loop,
      traffic: trafficWatch.monitor,
      connectionGuard,
      risks,
      auth,
    });
    broker.attachWebSocket(http.server, '/mqtt');
    await http.listen({ port: config.httpPort, host: config.host });
    ports.httpPort = (http.server.address() as AddressInfo).port;
    return { ...ports };
  }

  async function shutdown(): Promise<{ drained: boolean }> {
    mqtt?.stopWatching();
    auth?.close();
    clearInterval(silenceCheck);
    trafficWatch.stop();
    twin.close();
    await alerts?.stop();
    // The broker first: it ends MQTT-over-WebSocket connections, which would hold HTTP open.
    await mqtt?.broker.close();
    await http?.close();
    const result = await closeStorage(storage, history, { config, log });
    await registry.close();
    await store.close();
    return result;
  }

  return {
    config,
    start,
    close: () => (closing ??= shutdown()),
    ports,
    store,
    registry,
    metrics,
    findings,
    twin,
    risks,
    traffic: trafficWatch.monitor,
    signals,
    get alerts() {
      if (!alerts) throw new Error('the gateway has not started');
      return alerts.loop;
    },
    get ingest() {
      if (!ingest) throw new Error('the gateway has not started');
      return ingest;
    },
    get wal() {
      if (!storage.wal) throw new Error('the gateway has not started');
      return storage.wal;
    },
    stats() {
      return {
        readingsReceived: ingest?.counts.readings ?? 0,
        readingsStored: storage.writer?.state.stored ?? 0,
        payloadsRefused: ingest?.counts.refused ?? 0,
        mqttClients: mqtt?.broker.aedes.connectedClients ?? 0,
        walPendingReadings: storage.wal?.stats().pendingReadings ?? 0,
      };
    },
  };
}
