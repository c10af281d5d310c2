import { readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** A (device, minute) whose aggregate must be recomputed. */
export type PendingMinute = [device: string, minute: number];

/**
 * The minutes that writes touched after they were over, kept on disk until they are
 * aggregated, so a write need not wait for its aggregation and a crash in between loses no
 * recomputation: the next start reads them back. One JSON array of pairs per line; appends are
 * fsynced; the file is emptied once everything in it is aggregated.
 */
export class PendingJournal {
  private handle: FileHandle | undefined;
  /** Keys (`device\0minute`) in the file not yet aggregated. */
  private readonly inFile = new Set<string>();
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    readonly recovered: PendingMinute[],
  ) {
    for (const [device, minute] of recovered) this.inFile.add(key(device, minute));
  }

  /** Opens the journal at `path`, reading back what a previous run left in it. */
  static load(path: string): PendingJournal {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // no journal yet
    }
    const recovered: PendingMinute[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        for (const pair of JSON.parse(line) as PendingMinute[]) recovered.push(pair);
      } catch {
        // a torn last line: its write was never acknowledged, its batch will come again
      }
    }
    return new PendingJournal(path, recovered);
  }

  /** Durably records `minutes` (those not recorded yet); resolves after fsync. */
  record(minutes: readonly PendingMinute[]): Promise<void> {
    const fresh = minutes.filter(([device, minute]) => !this.inFile.has(key(device, minute)));
    if (fresh.length === 0) return this.chain;
    for (const [device, minute] of fresh) this.inFile.add(key(device, minute));
    return this.enqueue(async (handle) => {
      await handle.appendFile(`${JSON.stringify(fresh)}\n`);
      await handle.datasync();
    });
  }

  /** These minutes are aggregated; once nothing in the file waits, it is emptied. */
  done(minutes: Iterable<PendingMinute>): Promise<void> {
    for (const [device, minute] of minutes) this.inFile.delete(key(device, minute));
    if (this.inFile.size > 0) return this.chain;
    return this.enqueue((handle) => handle.truncate(0));
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle?.close();
    this.handle = undefined;
  }

  private enqueue(work: (handle: FileHandle) => Promise<void>): Promise<void> {
    const next = this.chain.then(async () => work((this.handle ??= await open(this.path, 'a'))));
    this.chain = next.catch(() => undefined);
    return next;
  }
}

const key = (device: string, minute: number) => `${device}\u0000${minute}`;
