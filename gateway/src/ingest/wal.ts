import { promises as fs } from 'node:fs';
import type { PlacedReading } from '@sensegrid/twin';
import { walClosedError, walWriteFailedError } from './wal-errors.ts';
import { decodePayload, encodeRecord } from './wal-format.ts';
import { WalMemory } from './wal-memory.ts';
import {
  readCheckpoint,
  recoverSegments,
  segmentPath,
  writeCheckpoint,
  type Segment,
} from './wal-segments.ts';
import { readingsAfterCheckpoint, readSegmentRecords } from './wal-spill.ts';
import type { Blocked, Pending, WalBatch, WalOptions, WalStats } from './wal-types.ts';

export type { WalBatch, WalOptions, WalStats } from './wal-types.ts';

type Handle = fs.FileHandle;

/**
 * The write-ahead log between acknowledgement and store. `append` resolves once the readings
 * are fsynced (many appends share one fsync); the store writer `take`s batches in order and
 * `commit`s them once the store has confirmed, which lets whole segments be deleted.
 */
export class WriteAheadLog {
  private segments: Segment[];
  private handle!: Handle;
  private lsn: number;
  private checkpoint: number;
  private bytes: number;
  private pendingReadings: number;
  private queued: Pending[] = [];
  private blocked: Blocked[] = [];
  private flushing = false;
  private syncs = 0;
  private closed = false;
  /** Records in memory for the writer, oldest first. */
  private readonly memory = new WalMemory();
  /** While set, the writer reads from disk from here: memory was full, or after recovery. */
  private spill: { segment: number; offset: number } | undefined;
  private dataWaiters: (() => void)[] = [];
  private tail: Buffer[];

  private constructor(
    private readonly options: WalOptions,
    recovered: { segments: Segment[]; lastLsn: number; tail: Buffer[] },
    checkpoint: number,
  ) {
    this.segments = recovered.segments;
    this.tail = recovered.tail;
    this.lsn = recovered.lastLsn;
    this.checkpoint = checkpoint;
    this.bytes = this.segments.reduce((sum, s) => sum + s.size, 0);
    this.pendingReadings = this.segments.reduce((sum, s) => sum + s.pendingReadings, 0);
    const first = this.segments.findIndex((s) => s.lastLsn > checkpoint);
    if (first >= 0) this.spill = { segment: first, offset: 0 };
  }

  /** Opens (or creates) the log in `dir`, recovering whatever the last run left there. */
  static async open(options: WalOptions): Promise<WriteAheadLog> {
    await fs.mkdir(options.dir, { recursive: true });
    const checkpoint = await readCheckpoint(options.dir);
    const recovered = await recoverSegments(options.dir, checkpoint);
    const wal = new WriteAheadLog(options, recovered, checkpoint);
    await wal.startSegment();
    await wal.dropCommittedSegments();
    return wal;
  }

  /** Durably appends one publish's readings; resolves after fsync. Waits while the log is full. */
  append(readings: readonly PlacedReading[]): Promise<void> {
    if (this.closed) return Promise.reject(walClosedError());
    return new Promise<void>((resolve, reject) => {
      if (this.blocked.length > 0 || this.bytes >= this.options.maxBytes) {
        this.blocked.push({ readings, resolve, reject });
        if (this.blocked.length === 1) this.options.onFullChange?.(true);
        return;
      }
      this.enqueue(readings, resolve, reject);
    });
  }

  private enqueue(
    readings: readonly PlacedReading[],
    resolve: () => void,
    reject: (e: Error) => void,
  ) {
    const lsn = ++this.lsn;
    const record = encodeRecord(lsn, readings);
    this.bytes += record.length;
    this.queued.push({ record, lsn, readings, resolve, reject });
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      const segment = this.segments[this.segments.length - 1]!;
      try {
        await this.handle.writev(batch.map((p) => p.record));
        await this.handle.datasync();
        this.syncs++;
      } catch (error) {
        this.fail(batch, error as Error);
        continue;
      }
      let offset = segment.size;
      for (const pending of batch) {
        this.afterDurable(pending, offset);
        offset += pending.record.length;
      }
      segment.size = offset;
      segment.lastLsn = batch[batch.length - 1]!.lsn;
      for (const pending of batch) pending.resolve();
      this.wakeWaiters();
      if (segment.size >= this.options.segmentBytes) await this.startSegment();
    }
    this.flushing = false;
  }

  private afterDurable(pending: Pending, offset: number): void {
    const count = pending.readings.length;
    this.pendingReadings += count;
    this.segments[this.segments.length - 1]!.pendingReadings += count;
    const bytes = pending.record.length;
    if (!this.spill && this.memory.bytes + bytes <= this.options.memoryBytes) {
      this.memory.push({ lsn: pending.lsn, readings: pending.readings, bytes });
    } else if (!this.spill) {
      this.spill = { segment: this.segments.length - 1, offset };
    }
  }

  private fail(batch: Pending[], error: Error): void {
    const wrapped = walWriteFailedError(this.options.dir, error);
    for (const pending of batch) {
      this.bytes -= pending.record.length;
      pending.reject(wrapped);
    }
  }

  private async startSegment(): Promise<void> {
    if (this.handle) await this.handle.close();
    const firstLsn = this.queued[0]?.lsn ?? this.lsn + 1;
    const path = segmentPath(this.options.dir, firstLsn);
    this.handle = await fs.open(path, 'a');
    this.segments.push({ path, firstLsn, lastLsn: firstLsn - 1, size: 0, pendingReadings: 0 });
  }

  /**
   * Takes the next readings for the store, in log order, at most `maxReadings` (a single record
   * with more is taken whole). Returns undefined when nothing is waiting.
   */
  async take(maxReadings: number): Promise<WalBatch | undefined> {
    const readings: PlacedReading[] = [];
    let lastLsn = -1;
    while (readings.length < maxReadings) {
      const next = this.memory.peek();
      if (next) {
        if (readings.length > 0 && readings.length + next.readings.length > maxReadings) break;
        this.memory.drop();
        for (const reading of next.readings) readings.push(reading);
        lastLsn = next.lsn;
      } else if (this.spill) {
        const read = await this.readSpilled(maxReadings - readings.length, readings.length === 0);
        if (!read) break;
        for (const reading of read.readings) readings.push(reading);
        lastLsn = read.lastLsn;
      } else break;
    }
    return lastLsn < 0 ? undefined : { readings, lastLsn };
  }

  private async readSpilled(maxReadings: number, first: boolean): Promise<WalBatch | undefined> {
    const spill = this.spill!;
    const segment = this.segments[spill.segment]!;
    if (spill.offset >= segment.size) {
      if (spill.segment < this.segments.length - 1) {
        this.spill = { segment: spill.segment + 1, offset: 0 };
        return this.readSpilled(maxReadings, first);
      }
      this.spill = undefined; // caught up with the durable head: back to memory
      return undefined;
    }
    const records = await readSegmentRecords(segment, spill.offset);
    const { readings, lastLsn, offset } = readingsAfterCheckpoint(
      records,
      spill.offset,
      this.checkpoint,
      maxReadings,
      first,
    );
    this.spill = { segment: spill.segment, offset };
    if (lastLsn < 0)
      return offset > spill.offset ? this.readSpilled(maxReadings, first) : undefined;
    return { readings, lastLsn };
  }

  /**
   * The readings at the end of the log as the last run left it (stored or not), once: what
   * devices whose acknowledgement was lost in a crash will send again.
   */
  takeRecoveredTail(): PlacedReading[] {
    const tail = this.tail.flatMap((payload) => decodePayload(payload));
    this.tail = [];
    return tail;
  }

  /** Resolves when there may be something to take. */
  waitForData(): Promise<void> {
    if (this.memory.hasRecords || this.spill) return Promise.resolve();
    return new Promise((resolve) => this.dataWaiters.push(resolve));
  }

  /** Wakes whoever waits in waitForData, data or not. */
  wakeWaiters(): void {
    const waiters = this.dataWaiters;
    this.dataWaiters = [];
    for (const wake of waiters) wake();
  }

  /** The store has confirmed everything up to `batch.lastLsn`. */
  async commit(batch: WalBatch): Promise<void> {
    this.checkpoint = Math.max(this.checkpoint, batch.lastLsn);
    this.pendingReadings -= batch.readings.length;
    await writeCheckpoint(this.options.dir, this.checkpoint);
    await this.dropCommittedSegments();
  }

  private async dropCommittedSegments(): Promise<void> {
    const current = this.segments.length - 1;
    let drop = 0;
    while (drop < current && this.segments[drop]!.lastLsn <= this.checkpoint) drop++;
    if (drop === 0) return;
    const dropped = this.segments.splice(0, drop);
    if (this.spill) this.spill = { ...this.spill, segment: Math.max(0, this.spill.segment - drop) };
    for (const segment of dropped) {
      this.bytes -= segment.size;
      await fs.rm(segment.path, { force: true });
    }
    this.admitBlocked();
  }

  private admitBlocked(): void {
    if (this.blocked.length === 0) return;
    while (this.blocked.length > 0 && this.bytes < this.options.maxBytes && !this.closed) {
      const next = this.blocked.shift()!;
      this.enqueue(next.readings, next.resolve, next.reject);
    }
    if (this.blocked.length === 0) this.options.onFullChange?.(false);
  }

  stats(): WalStats {
    return {
      pendingReadings: this.pendingReadings,
      bytes: this.bytes,
      maxBytes: this.options.maxBytes,
      segments: this.segments.length,
      waitingAppends: this.blocked.length,
      checkpointLsn: this.checkpoint,
      lastLsn: this.lsn,
      syncs: this.syncs,
    };
  }

  /** True while appends wait for the store to drain the log. */
  get full(): boolean {
    return this.blocked.length > 0 || this.bytes >= this.options.maxBytes;
  }

  /** Flushes what is queued and closes the file; appends still waiting for space are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const blocked of this.blocked.splice(0)) blocked.reject(walClosedError());
    while (this.flushing) await new Promise((resolve) => setImmediate(resolve));
    await this.handle.close();
    this.wakeWaiters();
  }
}
