import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { CityModel } from '@sensegrid/twin';
import { buildApi } from './api/server.ts';
import { openAuth, type Auth } from './auth/auth.ts';
import { createConsoleLogin } from './auth/console-login.ts';
import { createBroker, type Broker } from './broker/broker.ts';
import { openSessionStore } from './broker/sessions.ts';
import type { Config } from './config.ts';
import { prepareStore, readTls } from './startup.ts';
import { CredentialStore } from './guard/credentials.ts';
import { DeviceRateLimiter } from './guard/rate-limit.ts';
import { ConnectionGuard } from './guard/connection-guard.ts';
import { watchTraffic } from './guard/traffic-monitor-setup.ts';
import type { TrafficMonitor } from './guard/traffic-monitor.ts';
import type { TrafficOptions } from './guard/traffic/options.ts';
import { loadTrafficRules } from './guard/traffic/rules-file.ts';
import { createFindings, type Findings } from './detect/findings.ts';
import { createGuard } from './guard/guard.ts';
import { createIngest, type Ingest } from './ingest/ingest.ts';
import { StoreWriter } from './ingest/store-writer.ts';
import { WriteAheadLog } from './ingest/wal.ts';
import { SeqClock } from './ingest/seq-clock.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createStore } from './store/create-store.ts';
import type { ReadingStore } from './store/port.ts';
import { DeviceRegistry, type PlaceFn } from './twin-state/registry.ts';
import type { Signal, SignalSink } from './alerts/signal.ts';
import type { AlertLoop } from './alerts/alert-loop.ts';
import { alertRulesFor, publishThrough, startGatewayAlerts } from './alerts/gateway-alerts.ts';
import { createLiveTwin, type LiveTwin } from './twin-state/live-twin.ts';
import { createHistory } from './history/history.ts';
import { twinPlacement } from './history/placement.ts';
import { createRiskAnalysis, placeRisks, riskSignal, type RiskAnalysis } from './risk/index.ts';

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
  /**
   * Everything that raises signals (detectors, risk analysis, the traffic monitor) calls
   * `raise`; the alert loop and tests listen with `onSignal`.
   */
  readonly signals: { raise: SignalSink; onSignal(sink: SignalSink): () => void };
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
  let wal: WriteAheadLog | undefined;
  let writer: StoreWriter | undefined;
  let ingest: Ingest | undefined;
  let broker: Broker | undefined;
  let http: Awaited<ReturnType<typeof buildApi>> | undefined;
  let closing: Promise<{ drained: boolean }> | undefined;
  let auth: Auth | undefined;

  const alertRules = alertRulesFor(config.alertRules);
  // Checked now, like the alert rules: a bad file stops the start.
  const trafficRules = config.trafficRules ? loadTrafficRules(config.trafficRules) : {};
  let alerts: ReturnType<typeof startGatewayAlerts> | undefined;
  const signalSinks = new Set<SignalSink>();
  const signals = {
    raise(signal: Signal) {
      for (const sink of signalSinks) sink(signal);
    },
    onSignal(sink: SignalSink) {
      signalSinks.add(sink);
      return () => void signalSinks.delete(sink);
    },
  };
  const risks = createRiskAnalysis({
    placeOf: placeRisks(twin.state),
    onRisk(risk) {
      metrics.risks.inc({ kind: risk.kind });
      signals.raise(riskSignal(risk));
    },
  });
  const findings = createFindings({
    counter: metrics.findings,
    log: log.child({ component: 'detect' }),
    onFinding(finding) {
      signals.raise({
        source: 'detector',
        kind: finding.kind,
        layer: registry.get(finding.device)?.layer ?? 'unknown',
        device: finding.device,
        metric: finding.metric,
        score: finding.score,
        tsMs: finding.tsMs,
        explanation: finding.explanation,
      });
      risks.addFinding(finding);
    },
  });
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
  const limiter = new DeviceRateLimiter({
    messagesPerSecond: config.deviceMessagesPerSec,
    bytesPerSecond: config.deviceBytesPerSec,
  });
  let credentialWatch: NodeJS.Timeout | undefined;

  /** Picks up devices provisioned, rotated or revoked by `sensegrid provision` meanwhile. */
  function watchCredentials(aedes: Broker['aedes']) {
    credentialWatch = setInterval(() => {
      if (!credentials.reload()) return;
      const clients = (aedes as unknown as { clients: Record<string, { close(): void }> }).clients;
      for (const id of credentials.revoked()) {
        if (clients[id]) {
          log.warn({ device: id }, 'device revoked: disconnecting it');
          clients[id].close();
        }
      }
    }, 2000);
    credentialWatch.unref();
  }

  async function start() {
    const storeReady = await prepareStore(store, log);
    wal = await WriteAheadLog.open({
      dir: join(config.dataDir, 'wal'),
      maxBytes: config.walMaxBytes,
      segmentBytes: config.walSegmentBytes,
      memoryBytes: config.walMemoryBytes,
      onFullChange: (full) => {
        metrics.walFull.set(full ? 1 : 0);
        if (full) {
          log.error(
            { maxBytes: config.walMaxBytes, store: store.kind },
            'write-ahead log full: publishes are held back until the store takes readings again',
          );
        } else log.info('write-ahead log has room again: publishes flow');
      },
    });
    const recovered = wal.stats().pendingReadings;
    if (recovered > 0)
      log.info({ readings: recovered }, 'replaying the write-ahead log into the store');
    writer = new StoreWriter(wal, history?.store ?? store, {
      batchReadings: config.writeBatchReadings,
      lingerMs: config.writeLingerMs,
      metrics,
      log,
      rejectedFile: join(config.dataDir, 'rejected.ndjson'),
      storeReady,
    });
    writer.start();
    const seqClock = new SeqClock();
    for (const reading of wal.takeRecoveredTail()) {
      if (reading.seq !== undefined) seqClock.remember(reading.device, reading.seq, reading.ts);
    }
    ingest = createIngest({ wal, registry, metrics, log, seqClock });
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
    const activeIngest = ingest;
    auth = openAuth({
      dataDir: config.dataDir,
      tokenTtlMs: config.tokenTtlMs,
      openConsole: config.openConsole,
      connectionGuard,
      log: log.child({ component: 'auth' }),
      onSignIn: (result) => metrics.signIns.inc({ result }),
    });
    broker = await createBroker({
      maxPacketBytes: config.maxPacketBytes,
      connectionGuard,
      drainTimeoutMs: config.drainTimeoutMs,
      maxKeepaliveSeconds: config.maxKeepaliveSeconds,
      aedes: { connectTimeout: config.connectTimeoutMs },
      persistence:
        config.sessions === 'disk'
          ? await openSessionStore(join(config.dataDir, 'sessions'), {
              queueMaxMessages: config.sessionQueueMax,
              queueMaxBytes: config.sessionQueueMaxBytes,
              metrics,
              log,
            })
          : undefined,
      guard: createGuard({
        allowAnonymous: config.allowAnonymous,
        denySubscribe: config.denySubscribe,
        credentials,
        console: createConsoleLogin(auth, twin.consoleAccess, log.child({ component: 'auth' })),
      }),
      console: twin.consoleAccess,
      traffic: trafficWatch.monitor,
      metrics,
      log,
      onPublish: async (_client, payload, device) => {
        if (!device) return;
        const waitMs = limiter.delayFor(device.device, payload.length);
        if (waitMs > 0) {
          metrics.publishesThrottled.inc();
          await new Promise((resolve) => setTimeout(resolve, waitMs));
        }
        await activeIngest.handle(device, payload);
      },
    });
    watchCredentials(broker.aedes);
    ports.mqttPort = await broker.listenTcp(config.mqttPort, config.host);
    if (config.tlsCert && config.tlsKey) {
      ports.tlsPort = await broker.listenTls(config.tlsPort, config.host, await readTls(config));
    }
    twin.attach(activeIngest, broker.aedes);
    alerts.loop.attachPublisher(publishThrough(broker.aedes));
    const activeBroker = broker;
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
      mqttClients: () => activeBroker.aedes.connectedClients,
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
    clearInterval(credentialWatch);
    auth?.close();
    clearInterval(silenceCheck);
    trafficWatch.stop();
    twin.close();
    await alerts?.stop();
    // The broker first: it ends MQTT-over-WebSocket connections, which would hold HTTP open.
    await broker?.close();
    await http?.close();
    await wal?.close();
    const result = writer ? await writer.stop(config.shutdownTimeoutMs) : { drained: true };
    // The regions of the last writes; what fails here is recomputed at the next start.
    if (result.drained) await history?.flush().catch(() => undefined);
    await history?.stop();
    if (!result.drained) {
      log.warn(
        { pending: wal?.stats().pendingReadings },
        'the store did not take everything in time; the rest stays in the write-ahead log for the next start',
      );
    }
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
      if (!wal) throw new Error('the gateway has not started');
      return wal;
    },
    stats() {
      return {
        readingsReceived: ingest?.counts.readings ?? 0,
        readingsStored: writer?.state.stored ?? 0,
        payloadsRefused: ingest?.counts.refused ?? 0,
        mqttClients: broker?.aedes.connectedClients ?? 0,
        walPendingReadings: wal?.stats().pendingReadings ?? 0,
      };
    },
  };
}
