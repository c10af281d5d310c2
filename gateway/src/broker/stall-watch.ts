import type { Aedes, Client } from 'aedes';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Finds subscribers that stopped reading long before their socket's drain timeout could.
 *
 * The drain timeout starts only once the kernel's socket buffers are full, and on loopback
 * they take ~2.8 MB: at a fleet's rate, tens of seconds in which the gateway keeps writing to
 * a client that reads nothing. Two signals come sooner:
 * - a client sent QoS 1 messages returns PUBACKs while it reads; one that sent none for
 *   `timeoutMs` while messages kept going to it has stopped reading;
 * - a WebSocket peer answers pings (browsers do it below the page's script); one that
 *   answered none for `timeoutMs` has stopped reading.
 * A QoS 0 subscriber over TCP gives neither signal and is left to the drain timeout.
 */
export interface StallWatchOptions {
  aedes: Aedes;
  timeoutMs: number;
  onStalled(client: Client | undefined, reason: string): void;
}

interface AckState {
  /** The client's next message id when it last acknowledged (or connected). */
  nextIdAtAck: number;
  /** Since when QoS 1 messages went to it with no acknowledgement since. */
  unackedSince?: number;
}

// Aedes gives every QoS 1 delivery the client's next message id and counts it up: when it
// moved since the client's last PUBACK, messages went out that the client has not answered.
const nextId = (client: Client) => (client as unknown as { _nextId: number })._nextId;

/** Watches QoS 1 acknowledgements; returns the function that stops watching. */
export function watchAcknowledgements(options: StallWatchOptions): () => void {
  const { aedes, timeoutMs } = options;
  const states = new Map<Client, AckState>();
  const onClient = (client: Client) => states.set(client, { nextIdAtAck: nextId(client) });
  const onAck = (_packet: unknown, client: Client) => {
    const state = states.get(client);
    if (!state) return;
    state.nextIdAtAck = nextId(client);
    state.unackedSince = undefined;
  };
  const onGone = (client: Client) => states.delete(client);
  aedes.on('client', onClient);
  aedes.on('ack', onAck);
  aedes.on('clientDisconnect', onGone);

  const timer = setInterval(
    () => {
      const now = Date.now();
      for (const [client, state] of states) {
        if (nextId(client) === state.nextIdAtAck) continue;
        state.unackedSince ??= now;
        if (now - state.unackedSince < timeoutMs) continue;
        states.delete(client);
        options.onStalled(client, `no PUBACK for ${timeoutMs} ms while messages went to it`);
      }
    },
    Math.min(1000, timeoutMs / 4),
  );
  timer.unref();
  return () => {
    clearInterval(timer);
    aedes.off('client', onClient);
    aedes.off('ack', onAck);
    aedes.off('clientDisconnect', onGone);
  };
}

/** Pings every WebSocket peer; one that answers none for `timeoutMs` is terminated. */
export function watchWebSocketPongs(
  server: WebSocketServer,
  timeoutMs: number,
  onStalled: (reason: string) => void,
): () => void {
  const answeredAt = new WeakMap<WebSocket, number>();
  const onConnection = (ws: WebSocket) => {
    answeredAt.set(ws, Date.now());
    ws.on('pong', () => answeredAt.set(ws, Date.now()));
  };
  server.on('connection', onConnection);
  const timer = setInterval(
    () => {
      const now = Date.now();
      for (const ws of server.clients) {
        if (now - (answeredAt.get(ws) ?? now) >= timeoutMs) {
          onStalled(`no pong for ${timeoutMs} ms`);
          ws.terminate();
        } else ws.ping();
      }
    },
    Math.min(1000, timeoutMs / 4),
  );
  timer.unref();
  return () => {
    clearInterval(timer);
    server.off('connection', onConnection);
  };
}
