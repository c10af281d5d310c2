import { SensegridError } from '../errors.ts';

/** How to reach an InfluxDB through its v1-compatible HTTP API. */
export interface InfluxEndpoint {
  /** Base URL, `http://host:port` or `https://host:port`, without credentials. */
  url: string;
  username?: string;
  password?: string;
  /** Sent as `Authorization: Token <token>` (InfluxDB 2.x/3.x, or 1.8+ as `user:password`). */
  token?: string;
  /** Per request, in milliseconds. */
  timeoutMs: number;
  /** Tries per request for transient failures (network, timeouts, 5xx, 429) before giving up. */
  maxAttempts: number;
  /** First backoff delay in milliseconds; doubles per retry, with jitter. */
  retryBaseMs: number;
  /** Cap on one backoff delay, including a server's Retry-After, in milliseconds. */
  maxRetryDelayMs: number;
}

export interface InfluxCall {
  path: string;
  params: Record<string, string>;
  method: 'GET' | 'POST';
  body?: Uint8Array | URLSearchParams;
  headers?: Record<string, string>;
  /** What the call does, for error messages: "write", "query", "ping". */
  action: string;
  /** Overrides the endpoint's maxAttempts. */
  maxAttempts?: number;
}

export interface InfluxReply {
  status: number;
  text: string;
  /** The Retry-After header, when the server sent one. */
  retryAfter: string | null;
}

/** Counters of what the HTTP client did, for metrics and tests. */
export interface InfluxHttpStats {
  requests: number;
  retries: number;
}

const SQLITE_HINT = 'or use --store sqlite:./data/sensegrid.db';

class TransientFailure {
  constructor(
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {}
}

function authorization(endpoint: InfluxEndpoint): string | undefined {
  if (endpoint.token !== undefined && endpoint.token !== '') return `Token ${endpoint.token}`;
  if (endpoint.username === undefined) return undefined;
  const pair = `${endpoint.username}:${endpoint.password ?? ''}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/** InfluxDB's own words from an error body (`{"error": "..."}`), or the body itself. */
export function influxMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: use the text as is
  }
  return text.trim().slice(0, 500);
}

function parseRetryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `did not answer in ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string }) : {};
  const detail = cause?.code ?? cause?.message ?? String(error);
  return `could not be reached (${detail})`;
}

function failureFor(endpoint: InfluxEndpoint, call: InfluxCall, reply: InfluxReply): Error {
  const what = influxMessage(reply.text);
  if (reply.status === 401 || reply.status === 403) {
    return new SensegridError(
      'SENSEGRID_STORE_UNAUTHORIZED',
      `InfluxDB at ${endpoint.url} refused the ${call.action} (HTTP ${reply.status}: ${what}).`,
      'Check the user and password in --store, or the token in SENSEGRID_INFLUX_TOKEN.',
    );
  }
  const fix =
    reply.status === 404
      ? 'Check that the database exists (the store creates it at start) and the URL is right.'
      : 'The data or query was refused as sent; see the message above.';
  return new SensegridError(
    'SENSEGRID_STORE_REJECTED',
    `InfluxDB at ${endpoint.url} rejected the ${call.action} (HTTP ${reply.status}): ${what}`,
    fix,
  );
}

function backoffMs(endpoint: InfluxEndpoint, attempt: number, retryAfterMs?: number): number {
  const exponential = endpoint.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
  return Math.min(endpoint.maxRetryDelayMs, Math.max(exponential, retryAfterMs ?? 0));
}

async function sendOnce(endpoint: InfluxEndpoint, call: InfluxCall): Promise<InfluxReply> {
  const target = new URL(call.path, endpoint.url);
  for (const [key, value] of Object.entries(call.params)) target.searchParams.set(key, value);
  const headers: Record<string, string> = { ...call.headers };
  const auth = authorization(endpoint);
  if (auth !== undefined) headers.Authorization = auth;
  const response = await fetch(target, {
    method: call.method,
    headers,
    body: call.body,
    signal: AbortSignal.timeout(endpoint.timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, text, retryAfter: response.headers.get('retry-after') };
}

/**
 * Sends one call, retrying transient failures with jittered exponential backoff. Resolves with
 * a 2xx reply; throws SENSEGRID_STORE_UNREACHABLE when the tries run out, and
 * SENSEGRID_STORE_REJECTED / SENSEGRID_STORE_UNAUTHORIZED at once for other answers.
 */
export async function sendToInflux(
  endpoint: InfluxEndpoint,
  call: InfluxCall,
  stats: InfluxHttpStats,
): Promise<InfluxReply> {
  const maxAttempts = Math.max(1, call.maxAttempts ?? endpoint.maxAttempts);
  let last: TransientFailure | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    if (attempt > 1) {
      stats.retries += 1;
      const wait = backoffMs(endpoint, attempt - 1, last?.retryAfterMs);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    stats.requests += 1;
    let reply: InfluxReply;
    try {
      reply = await sendOnce(endpoint, call);
    } catch (error) {
      last = new TransientFailure(describeNetworkError(error, endpoint.timeoutMs));
      continue;
    }
    if (reply.status >= 200 && reply.status < 300) return reply;
    if (reply.status >= 500 || reply.status === 429 || reply.status === 408) {
      last = new TransientFailure(
        `answered HTTP ${reply.status}: ${influxMessage(reply.text)}`,
        parseRetryAfterMs(reply.retryAfter),
      );
      continue;
    }
    throw failureFor(endpoint, call, reply);
  }
  const unreachable = new SensegridError(
    'SENSEGRID_STORE_UNREACHABLE',
    `InfluxDB at ${endpoint.url} ${last?.reason ?? 'failed'}; gave up the ${call.action} after ` +
      `${maxAttempts} ${maxAttempts === 1 ? 'try' : 'tries'}.`,
    `Start InfluxDB or check that ${endpoint.url} is the right address, ${SQLITE_HINT}.`,
  );
  // The caller's own retries honour the server's last Retry-After too.
  if (last?.retryAfterMs !== undefined) unreachable.retryAfterMs = last.retryAfterMs;
  throw unreachable;
}
