import { readFile } from 'node:fs/promises';
import type { TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { SensegridError, isSensegridError } from './errors.ts';
import type { ReadingStore } from './store/port.ts';

/**
 * Prepares the store. An unreachable InfluxDB does not stop the gateway: readings wait in the
 * write-ahead log and the writer retries. Anything else (a bad SQLite file) does.
 */
export async function prepareStore(store: ReadingStore, log: Logger): Promise<boolean> {
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

/** The TLS listener's certificate, key and (for client certificates) CA, read from their files. */
export async function readTls(config: Config): Promise<TlsOptions> {
  const read = async (flag: string, path: string) => {
    try {
      return await readFile(path);
    } catch (error) {
      throw new SensegridError(
        'SENSEGRID_TLS_INVALID',
        `${flag} ${path} could not be read: ${(error as Error).message}.`,
        'Point it at a PEM file the gateway may read.',
      );
    }
  };
  const ca = config.tlsCa ? await read('--tls-ca', config.tlsCa) : undefined;
  return {
    cert: await read('--tls-cert', config.tlsCert!),
    key: await read('--tls-key', config.tlsKey!),
    ...(ca ? { ca, requestCert: true, rejectUnauthorized: false } : {}),
  };
}
