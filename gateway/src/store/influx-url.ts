import { SensegridError } from '../errors.ts';

/** The parts of an `influx://` store URL. */
export interface InfluxUrlParts {
  /** `http://host:port` (`https://` for `influxs://`), without credentials. */
  url: string;
  database: string;
  username?: string;
  password?: string;
}

const DEFAULT_PORT = 8086;

/** SENSEGRID_STORE_INVALID for a `--store` value, without its password. */
export function invalidStoreSpec(spec: string, problem: string): SensegridError {
  return new SensegridError(
    'SENSEGRID_STORE_INVALID',
    `--store ${JSON.stringify(redact(spec))} ${problem}.`,
    'Use sqlite:./data/sensegrid.db, or influx://[user:pass@]host:8086/<database> ' +
      '(influxs:// for TLS).',
  );
}

/** The spec with any password replaced, for messages. */
export function redact(spec: string): string {
  return spec.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/**
 * Parses `influx://[user:pass@]host:port/<database>` or `influxs://...` (TLS). The port
 * defaults to 8086; user and password may be percent-encoded.
 */
export function parseInfluxUrl(spec: string): InfluxUrlParts {
  let parsed: URL;
  try {
    parsed = new URL(spec);
  } catch {
    throw invalidStoreSpec(spec, 'is not a URL');
  }
  const scheme = parsed.protocol;
  if (scheme !== 'influx:' && scheme !== 'influxs:') {
    throw invalidStoreSpec(spec, 'must start with influx:// or influxs://');
  }
  if (parsed.hostname === '') throw invalidStoreSpec(spec, 'names no host');
  const database = decodeURIComponent(parsed.pathname.replace(/^\/+|\/+$/g, ''));
  if (database === '' || database.includes('/')) {
    throw invalidStoreSpec(spec, 'must name exactly one database as its path');
  }
  const http = scheme === 'influxs:' ? 'https' : 'http';
  const parts: InfluxUrlParts = {
    url: `${http}://${parsed.hostname}:${parsed.port === '' ? DEFAULT_PORT : parsed.port}`,
    database,
  };
  if (parsed.username !== '') parts.username = decodeURIComponent(parsed.username);
  if (parsed.password !== '') parts.password = decodeURIComponent(parsed.password);
  return parts;
}
