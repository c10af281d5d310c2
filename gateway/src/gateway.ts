import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { createGridCity } from '@sensegrid/twin';
import { buildApi } from './api/server.ts';
import { createBroker, type Broker } from './broker/broker.ts';
import { openSessionStore } from './broker/sessions.ts';
import type { Config } from './config.ts';
import { isSensegridError } from './errors.ts';
import { createGuard } from './guard/guard.ts';
import { createIngest, type Ingest } from './ingest/ingest.ts';
import { StoreWriter } from './ingest/store-writer.ts';
import { WriteAheadLog } from './ingest/wal.ts';
import { SeqClock } from './ingest/seq-clock.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createStore } from './store/create-store.ts';
import type { ReadingStore } from './store/port.ts';
import { DeviceRegistry, type PlaceFn } from './twin-state/registry.ts';

export interface GatewayDeps {
  /** Defaults to the store named by `config.store`. */
  store?: ReadingStore;
  /** Defaults to a silent logger. */
  log?: Logger;
  /** Places devices in the city; defaults to the generated demo city. */
  place?: PlaceFn;
  /** The built console to serve at /. */
  consoleDir?: string;
}

export interface Gateway {
  readonly config: Config;
  /** Opens the store and the log, then listens. Resolves with the bound ports. */
  start(): Promise<{ mqttPort: number; httpPort: number }>;
  /** Stops accepting, flushes the write-ahead log to the store (within the shutdown timeout). */
  close(): Promise<{ drained: boolean }>;
  readonly ports: { mqttPort: number; httpPort: number };
  readonly store: ReadingStore;
  readonly registry: DeviceRegistry;
  readonly metrics: Metrics;
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

/**
 * Prepares the store. An unreachable InfluxDB does not stop the gateway: readings wait in the
 * write-ahead log and the writer retries. Anything else (a bad SQLite file) does.
 */
async function prepareStore(store: ReadingStore, log: Logger): Promise<boolean> {
  try {
    await store.init();
    return true;
  } catch (error) {
    if (store.kind !== 'influx' || !isSensegridError(error, 'SENSEGRID_STORE_UNREACHABLE')) {
      throw error;
    }
    log.warn(
      { err: error.message },
      'store unreachable at start; readings wait in the write-ahead log',
    );
    return false;
  }
}

/** Builds the gateway; nothing listens until `start`. */
export function buildGateway(config: Config, deps: GatewayDeps = {}): Gateway {
  const log = deps.log ?? pino({ level: 'silent' });
  const store = deps.store ?? createStore(config.store, { token: config.influxToken });
  const metrics = createMetrics();
  const registry = new DeviceRegistry(
    deps.place ?? createGridCity({ devices: 0 }).place,
    join(config.dataDir, 'devices.json'),
  );
  const ports = { mqttPort: 0, httpPort: 0 };
  let wal: WriteAheadLog | undefined;
  let writer: StoreWriter | undefined;
  let ingest: Ingest | undefined;
  let broker: Broker | undefined;
  let http: Awaited<ReturnType<typeof buildApi>> | undefined;
  let closing: Promise<{ drained: boolean }> | undefined;

  async function start() {
    const storeReady = await prepareStore(store, log);
    wal = await WriteAheadLog.open({
      dir: join(config.dataDir, 'wal'),
      maxBytes: config.walMaxBytes,
      segmentBytes: config.walSegmentBytes,
      memoryBytes: config.walMemoryBytes,
    });
    const recovered = wal.stats().pendingReadings;
    if (recovered > 0)
      log.info({ readings: recovered }, 'replaying the write-ahead log into the store');
    writer = new StoreWriter(wal, store, {
      batchReadings: config.writeBatchReadings,
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
    const activeIngest = ingest;
    broker = await createBroker({
      persistence:
        config.sessions === 'disk'
          ? await openSessionStore(join(config.dataDir, 'sessions'))
          : undefined,
      guard: createGuard({ allowAnonymous: config.allowAnonymous }),
      metrics,
      log,
      onPublish: async (_client, payload, device) => {
        if (device) await activeIngest.handle(device, payload);
      },
    });
    ports.mqttPort = await broker.listenTcp(config.mqttPort, config.host);
    const activeBroker = broker;
    http = await buildApi({
      store,
      wal,
      writer,
      registry,
      metrics,
      log,
      mqttClients: () => activeBroker.aedes.connectedClients,
      consoleDir: deps.consoleDir,
    });
    broker.attachWebSocket(http.server, '/mqtt');
    await http.listen({ port: config.httpPort, host: config.host });
    ports.httpPort = (http.server.address() as AddressInfo).port;
    return { ...ports };
  }

  async function shutdown(): Promise<{ drained: boolean }> {
    await http?.close();
    await broker?.close();
    await wal?.close();
    const result = writer ? await writer.stop(config.shutdownTimeoutMs) : { drained: true };
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
