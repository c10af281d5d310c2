import { resolve } from 'node:path';
import { createInfluxStore, parseInfluxUrl } from './influx.ts';
import { invalidStoreSpec } from './influx-url.ts';
import type { ReadingStore } from './port.ts';
import { createSqliteStore } from './sqlite.ts';

export interface CreateStoreOptions {
  /** InfluxDB token (`SENSEGRID_INFLUX_TOKEN`), sent as `Authorization: Token <token>`. */
  token?: string;
  /** Folder relative SQLite paths resolve against. Default: the working directory. */
  cwd?: string;
}

/**
 * The store a `--store` value names: `sqlite:<path>` (relative to the working directory, or
 * `sqlite::memory:`), `influx://[user:pass@]host:port/<database>` or `influxs://...` (TLS).
 */
export function createStore(spec: string, options: CreateStoreOptions = {}): ReadingStore {
  const trimmed = spec.trim();
  if (trimmed.startsWith('sqlite:')) {
    const path = trimmed.slice('sqlite:'.length);
    if (path === '') throw invalidStoreSpec(spec, 'names no file');
    return createSqliteStore(path === ':memory:' ? path : resolve(options.cwd ?? '.', path));
  }
  if (trimmed.startsWith('influx://') || trimmed.startsWith('influxs://')) {
    const parts = parseInfluxUrl(trimmed);
    // With a token the server is InfluxDB 2.x or 3.x, whose v1 API cannot create databases:
    // the bucket (and its DBRP mapping, on 2.x) must exist.
    return createInfluxStore(
      options.token ? { ...parts, token: options.token, createDatabase: false } : parts,
    );
  }
  throw invalidStoreSpec(spec, 'is neither an sqlite: path nor an influx:// URL');
}
