import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to each request while a fault is on. */
export interface Fault {
  /** Every request waits this long before it is answered or forwarded, in ms. */
  delayMs: number;
  /** Share of requests answered `503 Service Unavailable` instead of forwarded, 0 to 1. */
  failShare: number;
  /** The `Retry-After` header of those 503s, in seconds. */
  retryAfterSeconds: number;
}

/** One request the proxy took: when it arrived, its path and the status it got. */
export interface ProxiedRequest {
  at: number;
  path: string;
  /** 0 until answered. */
  status: number;
  answeredAt: number;
  /** The Retry-After the proxy sent with its own 503, in seconds. */
  retryAfterSeconds?: number;
}

export interface FaultProxyStats {
  requests: number;
  forwarded: number;
  /** Answered 503 by the proxy itself. */
  refused: number;
  /** Held back by `delayMs` before their answer. */
  delayed: number;
}

/**
 * An HTTP proxy in front of a real server (here: influxd) that can turn slow and answer 503s
 * for a while, like an overloaded InfluxDB does. Without a fault it forwards as is.
 */
export interface FaultProxy {
  readonly url: string;
  /** Turns a fault on until `clear()`. */
  inject(fault: Fault): void;
  clear(): void;
  stats(): FaultProxyStats;
  /** The last requests, oldest first. */
  history(): ProxiedRequest[];
  close(): Promise<void>;
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const stats: FaultProxyStats = { requests: 0, forwarded: 0, refused: 0, delayed: 0 };
  let fault: Fault | undefined;
  // Spreads the 503s evenly (error diffusion) instead of by chance, so a run is repeatable.
  let failDebt = 0;
  const history: ProxiedRequest[] = [];
  const record = (entry: ProxiedRequest) => {
    history.push(entry);
    if (history.length > 10_000) history.splice(0, history.length - 10_000);
  };

  const server = createServer((req, res) => {
    stats.requests++;
    const active = fault;
    const entry: ProxiedRequest = {
      at: Date.now(),
      path: new URL(req.url ?? '/', 'http://proxy').pathname,
      status: 0,
      answeredAt: 0,
    };
    record(entry);
    res.once('finish', () => {
      entry.status = res.statusCode;
      entry.answeredAt = Date.now();
    });
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      const answer = () => {
        if (active && shouldFail(active)) {
          stats.refused++;
          entry.retryAfterSeconds = active.retryAfterSeconds;
          res.writeHead(503, {
            'Retry-After': String(active.retryAfterSeconds),
            'Content-Type': 'application/json',
          });
          res.end(JSON.stringify({ error: 'overloaded (fault proxy)' }));
          return;
        }
        forward(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(body), res);
      };
      if (active && active.delayMs > 0) {
        stats.delayed++;
        setTimeout(answer, active.delayMs);
      } else answer();
    });
  });

  function shouldFail(active: Fault): boolean {
    failDebt += active.failShare;
    if (failDebt >= 1) {
      failDebt -= 1;
      return true;
    }
    return false;
  }

  function forward(
    method: string,
    path: string,
    headers: NodeJS.Dict<string | string[]>,
    body: Buffer,
    res: ServerResponse,
  ): void {
    stats.forwarded++;
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: { ...headers, host: target.host, 'content-length': String(body.length) },
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: `fault proxy: ${error.message}` }));
    });
    upstream.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inject(next) {
      fault = next;
      failDebt = 0;
    },
    clear() {
      fault = undefined;
    },
    stats: () => ({ ...stats }),
    history: () => history.map((entry) => ({ ...entry })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
