import { createServer, type Server } from 'node:net';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type AedesOptions, type AuthenticateError, type Client } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Logger } from 'pino';
import type { Guard } from '../guard/guard.ts';
import type { DeviceTopic } from '../ingest/topics.ts';
import type { Metrics } from '../metrics.ts';
import type { SessionPersistence } from './sessions.ts';

export interface BrokerOptions {
  guard: Guard;
  /** Called for publishes the guard allowed; resolve to acknowledge, reject to refuse. */
  onPublish(client: Client, payload: Buffer, device: DeviceTopic | undefined): Promise<void>;
  metrics: Metrics;
  log: Logger;
  aedes?: Partial<AedesOptions>;
  /** Durable sessions, retained messages and wills; in memory when absent. */
  persistence?: SessionPersistence;
}

export interface Broker {
  aedes: Aedes;
  /** Listens for MQTT over TCP; resolves with the bound port. */
  listenTcp(port: number, host: string): Promise<number>;
  /** Serves MQTT over WebSocket at `path` on an HTTP server. */
  attachWebSocket(server: HttpServer, path: string): void;
  close(): Promise<void>;
}

/** Aedes with its callback hooks adapted once into the guard's and ingest's async functions. */
export async function createBroker(options: BrokerOptions): Promise<Broker> {
  const { guard, metrics, log } = options;
  const aedes = await Aedes.createBroker({
    // A frozen subscriber is disconnected instead of stalling delivery to everyone.
    drainTimeout: 10_000,
    concurrency: 1000,
    ...options.aedes,
    ...(options.persistence ? { persistence: options.persistence } : {}),
    authenticate(client, username, password, done) {
      guard.authenticate(client, username, password).then(
        (ok) => {
          if (ok) return done(null, true);
          const error = new Error('not authorized') as AuthenticateError;
          error.returnCode = 5;
          done(error, false);
        },
        (error: Error) => done(Object.assign(error, { returnCode: 3 }) as AuthenticateError, false),
      );
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(null); // the will of a client that is gone
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
      done(null, guard.authorizeSubscribe(client, subscription));
    },
  });

  aedes.on('client', () => metrics.clients.inc());
  aedes.on('clientDisconnect', () => metrics.clients.dec());
  aedes.on('clientError', (client, error) => {
    log.debug({ client: client?.id, err: error.message }, 'client error');
  });
  aedes.on('connectionError', (client, error) => {
    log.debug({ client: client?.id, err: error.message }, 'connection error');
  });

  const tcpServers: Server[] = [];
  const webSockets: WebSocketServer[] = [];

  return {
    aedes,
    listenTcp(port, host) {
      const server = createServer((socket) => aedes.handle(socket));
      tcpServers.push(server);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    attachWebSocket(server, path) {
      const wss = new WebSocketServer({ noServer: true });
      webSockets.push(wss);
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        const url = request.url ?? '';
        if (url !== path && !url.startsWith(`${path}?`)) {
          socket.destroy();
          return;
        }
        wss.handleUpgrade(request, socket, head, (ws) => {
          aedes.handle(createWebSocketStream(ws), request);
        });
      });
    },
    async close() {
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
