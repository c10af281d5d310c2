import { resolve } from 'node:path';
import { SensegridError } from '../errors.ts';
import { createInfluxStore } from './influx.ts';
import { parseInfluxUrl, redact } from './influx-url.ts';
import type { ReadingStore } from './port.ts';
import { createSqliteStore } from './sqlite.ts';

/**
 * The store a `--store` spec names: `sqlite:<file>` (relative to the working folder) or
 * `influx://[user:pass@]host:port/<database>` (`influxs://` for TLS).
 */
export function createStore(spec: string, options: { token?: string } = {}): ReadingStore {
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw invalid(spec);
    return createSqliteStore(path === ':memory:' ? path : resolve(path));
  }
  if (spec.startsWith('influx://') || spec.startsWith('influxs://')) {
    return createInfluxStore({ ...parseInfluxUrl(spec), token: options.token });
  }
  throw invalid(spec);
}

function invalid(spec: string): SensegridError {
  return new SensegridError(
    'SENSEGRID_STORE_INVALID',
    `--store ${redact(spec)} names no store sensegrid knows.`,
    'Use sqlite:./data/sensegrid.db or influx://[user:pass@]host:8086/<database> (influxs:// for TLS).',
  );
}
