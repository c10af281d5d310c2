import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { PlacedReading } from '@sensegrid/twin';
import { isSensegridError, type SensegridError } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { ReadingStore } from '../store/port.ts';
import type { WalBatch, WriteAheadLog } from './wal.ts';

export interface StoreWriterOptions {
  batchReadings: number;
  /**
   * While fewer than batchReadings wait, a write waits until this long after the previous one
   * started, so a busy log goes to the store in a few large writes rather than many small
   * ones (each write costs about as much again as its readings). The readings are already
   * safe in the log. 0: write whatever is there at once.
   */
  lingerMs?: number;
  metrics: Metrics;
  log: Logger;
  /** First retry delay; doubles per failure up to maxBackoffMs, with jitter. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Readings the store refuses as invalid are set aside here (NDJSON), never retried. */
  rejectedFile?: string;
  /** False when the store could not be prepared at start: init() is retried before writing. */
  storeReady?: boolean;
}

export interface StoreWriterState {
  /** The store failed the last write and the writer is retrying. */
  failing: boolean;
  lastError?: string;
  consecutiveFailures: number;
  /** Epoch ms of the last confirmed batch. */
  lastWriteAt?: number;
  /** Readings the store confirmed since start. */
  stored: number;
  /** Epoch ms when the store last had everything in the log. */
  caughtUpAt: number;
}

/**
 * Drains the write-ahead log into the store in batches, in order, one batch in flight. A failed
 * batch is retried with jittered backoff and no deadline; the log's checkpoint moves only after
 * the store confirmed the batch.
 */
export class StoreWriter {
  private running: Promise<void> | undefined;
  private stopping = false;
  private deadline = Infinity;
  private wake: (() => void) | undefined;
  private storeReady: boolean;
  readonly state: StoreWriterState = {
    failing: false,
    consecutiveFailures: 0,
    stored: 0,
    caughtUpAt: Date.now(),
  };

  constructor(
    private readonly wal: WriteAheadLog,
    private readonly store: ReadingStore,
    private readonly options: StoreWriterOptions,
  ) {
    this.storeReady = options.storeReady ?? true;
  }

  start(): void {
    this.running ??= this.run();
  }

  private async run(): Promise<void> {
    const { batchReadings } = this.options;
    let lastStarted = -Infinity;
    while (true) {
      await this.linger(lastStarted);
      const batch = await this.wal.take(batchReadings);
      if (!batch) {
        this.state.caughtUpAt = Date.now();
        if (this.stopping) return;
        await this.wal.waitForData();
        continue;
      }
      lastStarted = performance.now();
      if (!(await this.writeUntilStored(batch))) return;
    }
  }

  /** Waits out the linger after the write started at `lastStarted`, unless a batch is full. */
  private async linger(lastStarted: number): Promise<void> {
    const { batchReadings, lingerMs = 0 } = this.options;
    const wait = lastStarted + lingerMs - performance.now();
    const pending = this.wal.stats().pendingReadings;
    if (wait <= 0 || this.stopping || pending === 0 || pending >= batchReadings) return;
    await this.pause(wait);
  }

  /** Sleeps `ms`; stop() cuts it short. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  /** Stores the batch, then moves the checkpoint; false when the shutdown deadline passed. */
  private async writeUntilStored(batch: WalBatch): Promise<boolean> {
    if (!(await this.storeReadings(batch.readings))) return false;
    await this.wal.commit(batch);
    if (this.wal.stats().pendingReadings === 0) this.state.caughtUpAt = Date.now();
    return true;
  }

  /**
   * Retries transient failures until stored. A batch the store refuses as invalid is split in
   * halves until the bad readings are alone; those are set aside so the rest flows on.
   */
  private async storeReadings(readings: readonly PlacedReading[]): Promise<boolean> {
    const { metrics, log } = this.options;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        if (!this.storeReady) {
          await this.store.init();
          this.storeReady = true;
        }
        await this.store.write(readings);
        metrics.storeWriteSeconds.observe((performance.now() - started) / 1000);
        metrics.readingsStored.inc(readings.length);
        this.state.stored += readings.length;
        if (this.state.failing) log.info({ attempts: attempt + 1 }, 'store is writable again');
        Object.assign(this.state, {
          failing: false,
          consecutiveFailures: 0,
          lastWriteAt: Date.now(),
        });
        return true;
      } catch (error) {
        metrics.storeWriteErrors.inc();
        if (isSensegridError(error, 'SENSEGRID_STORE_REJECTED')) {
          if (readings.length === 1) {
            await this.setAside(readings[0]!, error.message);
            return true;
          }
          const half = readings.length >> 1;
          return (
            (await this.storeReadings(readings.slice(0, half))) &&
            (await this.storeReadings(readings.slice(half)))
          );
        }
        const message = (error as Error).message;
        if (!this.state.failing || attempt % 20 === 0) {
          log.warn({ err: message, attempt: attempt + 1 }, 'store write failed; retrying');
        }
        Object.assign(this.state, {
          failing: true,
          lastError: message,
          consecutiveFailures: this.state.consecutiveFailures + 1,
        });
        const delay = Math.max(this.backoff(attempt), (error as SensegridError).retryAfterMs ?? 0);
        if (Date.now() + delay > this.deadline) return false;
        await this.pause(delay);
        this.wake = undefined;
        if (Date.now() > this.deadline) return false;
      }
    }
  }

  private async setAside(reading: PlacedReading, reason: string): Promise<void> {
    const { metrics, log, rejectedFile } = this.options;
    metrics.readingsSetAside.inc();
    log.error(
      { device: reading.device, ts: reading.ts, reason, file: rejectedFile },
      'store refused a reading; set aside',
    );
    if (!rejectedFile) return;
    await mkdir(dirname(rejectedFile), { recursive: true });
    await appendFile(rejectedFile, `${JSON.stringify({ at: Date.now(), reason, reading })}\n`);
  }

  private backoff(attempt: number): number {
    const min = this.options.minBackoffMs ?? 100;
    // Short enough that a store coming back is noticed within seconds.
    const max = this.options.maxBackoffMs ?? 5000;
    const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 20));
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }

  /** Seconds the store has been behind the log; 0 when it has everything. */
  lagSeconds(now = Date.now()): number {
    return this.wal.stats().pendingReadings === 0 ? 0 : (now - this.state.caughtUpAt) / 1000;
  }

  /**
   * Writes what is in the log, then stops. Gives up after `timeoutMs`: what is not stored by
   * then stays in the log for the next start.
   */
  async stop(timeoutMs: number): Promise<{ drained: boolean }> {
    this.stopping = true;
    this.deadline = Date.now() + timeoutMs;
    this.wal.wakeWaiters();
    this.wake?.();
    if (!this.running) return { drained: this.wal.stats().pendingReadings === 0 };
    const timer = setTimeout(() => this.wake?.(), timeoutMs);
    await this.running;
    clearTimeout(timer);
    return { drained: this.wal.stats().pendingReadings === 0 };
  }
}
