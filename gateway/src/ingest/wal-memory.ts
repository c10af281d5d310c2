// The durable records kept in memory for the store writer, oldest first, so it need not read disk.
import type { PlacedReading } from '@sensegrid/twin';

/** A durable record as the store writer takes it: its readings and its size on disk. */
export interface MemoryRecord {
  lsn: number;
  readings: readonly PlacedReading[];
  bytes: number;
}

/** A queue of records; a head index instead of shift() keeps taking O(1). */
export class WalMemory {
  private records: MemoryRecord[] = [];
  private head = 0;
  /** Record bytes held, to keep within the log's memoryBytes. */
  bytes = 0;

  /** True while records wait to be taken. */
  get hasRecords(): boolean {
    return this.head < this.records.length;
  }

  push(record: MemoryRecord): void {
    this.records.push(record);
    this.bytes += record.bytes;
  }

  /** The oldest record, left in place. */
  peek(): MemoryRecord | undefined {
    return this.head < this.records.length ? this.records[this.head] : undefined;
  }

  /** Removes the oldest record (the one peek gave). */
  drop(): void {
    const next = this.records[this.head]!;
    this.records[this.head++] = undefined as never;
    this.bytes -= next.bytes;
    if (this.head > 1024 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }
}
