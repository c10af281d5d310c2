import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type AedesOptions, type AuthenticateError, type Client } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Logger } from 'pino';
import type { Guard, RefusalCode } from '../guard/guard.ts';
import type { ConnectionGuard } from '../guard/connection-guard.ts';
import type { DeviceTopic } from '../ingest/topics.ts';
import type { Metrics } from '../metrics.ts';
import type { ConsoleAccess } from '../twin-state/console-access.ts';
import type { TrafficMonitor } from '../guard/traffic-monitor.ts';
import { orderedBrokerId, type SessionPersistence } from './sessions.ts';
import { watchAcknowledgements, watchWebSocketPongs } from './stall-watch.ts';
import { createRouter } from './router.ts';
import { guardPacketSize } from '../guard/packet-size.ts';

export interface BrokerOptions {
  guard: Guard;
  /** Called for publishes the guard allowed; resolve to acknowledge, reject to refuse. */
  onPublish(client: Client, payload: Buffer, device: DeviceTopic | undefined): Promise<void>;
  metrics: Metrics;
  log: Logger;
  aedes?: Partial<AedesOptions>;
  /** Largest MQTT packet, checked before the parser buffers it; larger ones close the connection. */
  maxPacketBytes: number;
  /**
   * A subscriber whose socket does not drain, that acknowledges none of the QoS 1 messages
   * sent to it, or (on WebSocket) answers no ping, for this long is disconnected.
   */
  drainTimeoutMs?: number;
  /** Per-address connection limits and bans. */
  connectionGuard?: ConnectionGuard;
  /**
   * Longest keep-alive a client may ask for, in seconds: longer is refused (identifier
   * rejected, as MQTT 3.1.1 cannot tell the client another value), and keep-alive 0 (never
   * time out) is held to this. 0 turns the bound off.
   */
  maxKeepaliveSeconds?: number;
  /** Durable sessions, retained messages and wills; in memory when absent. */
  persistence?: SessionPersistence;
  /** Read-only console clients and the `$twin/` topics (see twin-state/console-access.ts). */
  console?: ConsoleAccess;
  /** Told of connections, failed logins and publishes (the traffic monitor). */
  traffic?: TrafficObserver;
}

/** What the broker tells the traffic monitor; times are epoch ms. */
export type TrafficObserver = Pick<
  TrafficMonitor,
  'published' | 'connected' | 'disconnected' | 'authFailed'
>;

export interface Broker {
  aedes: Aedes;
  /** Listens for MQTT over TCP; resolves with the bound port. */
  listenTcp(port: number, host: string): Promise<number>;
  /** Listens for MQTT over TLS; resolves with the bound port. */
  listenTls(port: number, host: string, tls: TlsOptions): Promise<number>;
  /** Serves MQTT over WebSocket at `path` on an HTTP server. */
  attachWebSocket(server: HttpServer, path: string): void;
  close(): Promise<void>;
}

/** Deliveries in flight at once; more wait in the router's queue. */
const DELIVERY_SLOTS = 1000;

/** Aedes with its callback hooks adapted once into the guard's and ingest's async functions. */
export async function createBroker(options: BrokerOptions): Promise<Broker> {
  const { guard, metrics, log } = options;
  const persistentWithoutId = new WeakSet<Client>();
  // A closed socket forgets its peer: the address is kept from the login.
  const trafficAddresses = new WeakMap<Client, string | undefined>();
  const keepaliveTooLong = new WeakSet<Client>();
  const maxKeepalive = options.maxKeepaliveSeconds ?? 0;
  const remoteAddress = (client: Client) =>
    client.req?.socket.remoteAddress ?? (client.conn as { remoteAddress?: string }).remoteAddress;
  const aedes = await Aedes.createBroker({
    // A frozen subscriber is disconnected instead of stalling delivery to everyone.
    drainTimeout: options.drainTimeoutMs ?? 5000,
    concurrency: DELIVERY_SLOTS,
    mq: createRouter(DELIVERY_SLOTS),
    ...options.aedes,
    ...(options.persistence ? { persistence: options.persistence, id: orderedBrokerId() } : {}),
    preConnect(client, packet, done) {
      // MQTT-3.1.3-8: a zero-length client id needs CleanSession=1; refused in authenticate.
      if (packet.clientId === '' && !packet.clean) persistentWithoutId.add(client);
      if (maxKeepalive > 0) {
        const keepalive = packet.keepalive ?? 0;
        if (keepalive > maxKeepalive) keepaliveTooLong.add(client);
        else if (keepalive === 0) packet.keepalive = maxKeepalive;
      }
      done(null, true);
    },
    authenticate(client, username, password, done) {
      if (persistentWithoutId.has(client)) {
        const error = new Error(
          'a zero-length client id needs a clean session',
        ) as AuthenticateError;
        error.returnCode = 2; // identifier rejected
        return done(error, false);
      }
      if (keepaliveTooLong.has(client)) {
        metrics.connectionsDropped.inc({ reason: 'keepalive' });
        const error = new Error(
          `keep-alive above the gateway's maximum of ${maxKeepalive} s`,
        ) as AuthenticateError;
        error.returnCode = 2; // identifier rejected: 3.1.1 has no code for this
        return done(error, false);
      }
      if (options.console?.isConsole(client)) return done(null, true);
      const refuse = (code: RefusalCode, reason: string) => {
        const error = new Error(reason) as AuthenticateError;
        error.returnCode = code;
        done(error, false);
      };
      const clientBan = options.connectionGuard?.clientBan(client.id);
      if (clientBan) {
        metrics.connectionsDropped.inc({ reason: 'banned' });
        return refuse(5, `client id banned: ${clientBan.reason}`);
      }
      guard.authenticate(client, username, password).then(
        (result) => {
          if (result.ok) {
            const flapping = options.connectionGuard?.connected(client.id);
            if (!flapping) {
              // Told before Aedes takes over an older connection of the same client id.
              trafficAddresses.set(client, remoteAddress(client));
              options.traffic?.connected(client.id, remoteAddress(client), Date.now());
              return done(null, true);
            }
            log.warn({ client: client.id, reason: flapping.reason }, 'client id banned');
            metrics.connectionsDropped.inc({ reason: 'banned' });
            return refuse(5, `client id banned: ${flapping.reason}`);
          }
          metrics.authFailures.inc({ code: String(result.code) });
          options.traffic?.authFailed(remoteAddress(client), client.id, Date.now());
          const ban = options.connectionGuard?.authFailed(remoteAddress(client));
          if (ban)
            log.warn({ address: remoteAddress(client), reason: ban.reason }, 'address banned');
          log.info(
            { client: client.id, address: remoteAddress(client), reason: result.reason },
            'connection refused',
          );
          refuse(result.code, result.reason);
        },
        (error: Error) => done(Object.assign(error, { returnCode: 3 }) as AuthenticateError, false),
      );
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(null); // the will of a client that is gone
      const consoleRefusal = options.console?.refusePublish(client, packet.topic);
      if (consoleRefusal) return done(new Error(consoleRefusal));
      options.traffic?.published(client.id, packet.topic, packet.payload.length, Date.now());
      const decision = guard.authorizePublish(client, packet.topic);
      if (!decision.allow) {
        log.warn(
          { client: client.id, topic: packet.topic.slice(0, 200), reason: decision.reason },
          'publish refused',
        );
        return done(new Error(decision.reason));
      }
      const payload = Buffer.isBuffer(packet.payload)
        ? packet.payload
        : Buffer.from(packet.payload);
      options.onPublish(client, payload, decision.device).then(() => done(null), done);
    },
    authorizeSubscribe(client, subscription, done) {
      const consoleDecision = options.console?.subscription(client, subscription);
      if (consoleDecision !== undefined) return done(null, consoleDecision);
      done(null, guard.authorizeSubscribe(client, subscription));
    },
    ...(options.console ? { authorizeForward: options.console.forward } : {}),
  });

  aedes.on('client', () => metrics.clients.inc());
  const stallTimeoutMs = options.drainTimeoutMs ?? 5000;
  const stopAckWatch = watchAcknowledgements({
    aedes,
    timeoutMs: stallTimeoutMs,
    onStalled(client, reason) {
      metrics.connectionsDropped.inc({ reason: 'stalled' });
      log.warn({ client: client?.id, reason }, 'subscriber stopped reading: disconnected');
      client?.close();
    },
  });
  const stopPongWatches: (() => void)[] = [];
  aedes.on('clientDisconnect', () => metrics.clients.dec());
  aedes.on('clientDisconnect', (client) => {
    if (trafficAddresses.has(client))
      options.traffic?.disconnected(client.id, trafficAddresses.get(client), Date.now());
  });
  aedes.on('clientError', (client, error) => {
    log.debug({ client: client?.id, err: error.message }, 'client error');
  });
  aedes.on('connectionError', (client, error) => {
    log.debug({ client: client?.id, err: error.message }, 'connection error');
  });

  /** False (and the stream destroyed) when the address may not connect now. */
  const admit = (stream: Duplex, address: string | undefined): boolean => {
    const refusal = options.connectionGuard?.admit(address);
    if (refusal === undefined) return true;
    metrics.connectionsDropped.inc({
      reason: refusal.startsWith('address banned') ? 'banned' : 'connect_rate',
    });
    log.debug({ address, reason: refusal }, 'connection refused');
    stream.destroy();
    return false;
  };
  const guardStream = <T extends Duplex>(stream: T, address: string | undefined): T =>
    guardPacketSize(stream, options.maxPacketBytes, (problem) => {
      metrics.connectionsDropped.inc({ reason: 'packet_too_large' });
      log.warn({ address, problem }, 'connection closed: packet too large');
    });

  const tcpServers: Server[] = [];
  const listen = (server: Server, port: number, host: string) => {
    tcpServers.push(server);
    return new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      // A deep accept queue: a fleet reconnecting at once after a restart is not dropped.
      server.listen({ port, host, backlog: 4096 }, () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  };
  const webSockets: WebSocketServer[] = [];

  return {
    aedes,
    listenTcp(port, host) {
      const server = createServer((socket) => {
        // A client with keepalive 0 is never timed out by MQTT; TCP keepalive finds dead peers.
        socket.setKeepAlive(true, 60_000);
        socket.setNoDelay(true); // acknowledgements leave at once, not batched by Nagle
        if (!admit(socket, socket.remoteAddress)) return;
        aedes.handle(guardStream(socket, socket.remoteAddress));
      });
      return listen(server, port, host);
    },
    listenTls(port, host, tls) {
      const server = createTlsServer(tls, (socket) => {
        if (!admit(socket, socket.remoteAddress)) return;
        aedes.handle(guardStream(socket, socket.remoteAddress));
      });
      server.on('tlsClientError', (error) =>
        log.debug({ err: error.message }, 'TLS handshake failed'),
      );
      return listen(server, port, host);
    },

    attachWebSocket(server, path) {
      const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPacketBytes });
      webSockets.push(wss);
      stopPongWatches.push(
        watchWebSocketPongs(wss, stallTimeoutMs, (reason) => {
          metrics.connectionsDropped.inc({ reason: 'stalled' });
          log.warn({ reason }, 'WebSocket subscriber stopped reading: disconnected');
        }),
      );
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        const url = request.url ?? '';
        if (url !== path && !url.startsWith(`${path}?`)) {
          socket.destroy();
          return;
        }
        if (!admit(socket, request.socket.remoteAddress)) return;
        wss.handleUpgrade(request, socket, head, (ws) => {
          wss.emit('connection', ws, request);
          const stream = createWebSocketStream(ws);
          aedes.handle(guardStream(stream, request.socket.remoteAddress), request);
        });
      });
    },
    async close() {
      stopAckWatch();
      for (const stop of stopPongWatches) stop();
      const stopped = tcpServers.map(
        (server) => new Promise<void>((resolve) => server.close(() => resolve())),
      );
      for (const wss of webSockets) {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
      }
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await options.persistence?.destroy();
      await Promise.all(stopped);
    },
  };
}
