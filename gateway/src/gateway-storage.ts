import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { History } from './history/history.ts';
import { SeqClock } from './ingest/seq-clock.ts';
import { StoreWriter } from './ingest/store-writer.ts';
import { WriteAheadLog } from './ingest/wal.ts';
import type { Metrics } from './metrics.ts';
import { prepareStore } from './startup.ts';
import type { ReadingStore } from './store/port.ts';

/** The write path: readings go into the log, and from the log into the store. */
export interface Storage {
  wal: WriteAheadLog;
  writer: StoreWriter;
  /** Each device's latest seq as the log last saw it, so gaps and repeats are spotted after a restart. */
  seqClock: SeqClock;
}

export interface StorageOptions {
  config: Config;
  store: ReadingStore;
  /** Minute aggregates kept with each write; the writer writes through it when there is one. */
  history: History | undefined;
  metrics: Metrics;
  log: Logger;
}

/**
 * Prepares the store, opens the write-ahead log and starts the store writer, which first
 * replays what the log still holds.
 */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  const { config, store, metrics, log } = options;
  const storeReady = await prepareStore(store, log);
  const wal = await WriteAheadLog.open({
    dir: join(config.dataDir, 'wal'),
    maxBytes: config.walMaxBytes,
    segmentBytes: config.walSegmentBytes,
    memoryBytes: config.walMemoryBytes,
    onFullChange: (full) => {
      metrics.walFull.set(full ? 1 : 0);
      if (full) {
        log.error(
          { maxBytes: config.walMaxBytes, store: store.kind },
          'write-ahead log full: publishes are held back until the store takes readings again',
        );
      } else log.info('write-ahead log has room again: publishes flow');
    },
  });
  const recovered = wal.stats().pendingReadings;
  if (recovered > 0)
    log.info({ readings: recovered }, 'replaying the write-ahead log into the store');
  const writer = new StoreWriter(wal, options.history?.store ?? store, {
    batchReadings: config.writeBatchReadings,
    lingerMs: config.writeLingerMs,
    metrics,
    log,
    rejectedFile: join(config.dataDir, 'rejected.ndjson'),
    storeReady,
  });
  writer.start();
  const seqClock = new SeqClock();
  for (const reading of wal.takeRecoveredTail()) {
    if (reading.seq !== undefined) seqClock.remember(reading.device, reading.seq, reading.ts);
  }
  return { wal, writer, seqClock };
}

/**
 * Closes the log and lets the writer drain it within the shutdown timeout, then aggregates the
 * minutes of the last writes. What the store did not take stays in the log for the next start.
 */
export async function closeStorage(
  storage: Partial<Storage>,
  history: History | undefined,
  { config, log }: { config: Config; log: Logger },
): Promise<{ drained: boolean }> {
  const { wal, writer } = storage;
  await wal?.close();
  const result = writer ? await writer.stop(config.shutdownTimeoutMs) : { drained: true };
  // The regions of the last writes; what fails here is recomputed at the next start.
  if (result.drained) await history?.flush().catch(() => undefined);
  await history?.stop();
  if (!result.drained) {
    log.warn(
      { pending: wal?.stats().pendingReadings },
      'the store did not take everything in time; the rest stays in the write-ahead log for the next start',
    );
  }
  return result;
}
