import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Auth } from './auth/auth.ts';
import { createConsoleLogin } from './auth/console-login.ts';
import { createBroker, type Broker } from './broker/broker.ts';
import { openSessionStore } from './broker/sessions.ts';
import type { Config } from './config.ts';
import type { ConnectionGuard } from './guard/connection-guard.ts';
import type { CredentialStore } from './guard/credentials.ts';
import { createGuard } from './guard/guard.ts';
import { DeviceRateLimiter } from './guard/rate-limit.ts';
import type { TrafficMonitor } from './guard/traffic-monitor.ts';
import type { Ingest } from './ingest/ingest.ts';
import type { Metrics } from './metrics.ts';
import type { LiveTwin } from './twin-state/live-twin.ts';

export interface GatewayBrokerOptions {
  config: Config;
  /** Console users log in to MQTT over WebSocket with their sign-in tokens. */
  auth: Auth;
  twin: LiveTwin;
  credentials: CredentialStore;
  connectionGuard: ConnectionGuard;
  traffic: TrafficMonitor;
  /** Where devices' publishes go once the guard and the rate limit let them through. */
  ingest: Ingest;
  metrics: Metrics;
  log: Logger;
}

export interface GatewayBroker {
  broker: Broker;
  /** Stops watching the credentials file (the broker itself closes separately). */
  stopWatching(): void;
}

/**
 * The embedded broker as the gateway runs it: sessions on disk or in memory, devices and
 * console users checked by the guard, each device held to its rate, publishes into ingest,
 * and credentials changed by `sensegrid provision` picked up while it runs. Not listening yet.
 */
export async function openGatewayBroker(options: GatewayBrokerOptions): Promise<GatewayBroker> {
  const { config, auth, twin, credentials, ingest, metrics, log } = options;
  const limiter = new DeviceRateLimiter({
    messagesPerSecond: config.deviceMessagesPerSec,
    bytesPerSecond: config.deviceBytesPerSec,
  });
  const broker = await createBroker({
    maxPacketBytes: config.maxPacketBytes,
    connectionGuard: options.connectionGuard,
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
    traffic: options.traffic,
    metrics,
    log,
    onPublish: async (_client, payload, device) => {
      if (!device) return;
      const waitMs = limiter.delayFor(device.device, payload.length);
      if (waitMs > 0) {
        metrics.publishesThrottled.inc();
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
      await ingest.handle(device, payload);
    },
  });
  const watch = watchCredentials(broker.aedes, credentials, log);
  return { broker, stopWatching: () => clearInterval(watch) };
}

/** Picks up devices provisioned, rotated or revoked by `sensegrid provision` meanwhile. */
function watchCredentials(
  aedes: Broker['aedes'],
  credentials: CredentialStore,
  log: Logger,
): NodeJS.Timeout {
  const timer = setInterval(() => {
    if (!credentials.reload()) return;
    const clients = (aedes as unknown as { clients: Record<string, { close(): void }> }).clients;
    for (const id of credentials.revoked()) {
      if (clients[id]) {
        log.warn({ device: id }, 'device revoked: disconnecting it');
        clients[id].close();
      }
    }
  }, 2000);
  timer.unref();
  return timer;
}
