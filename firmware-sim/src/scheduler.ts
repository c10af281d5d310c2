import { performance } from 'node:perf_hooks';

/** A task waiting in a scheduler; `cancel` keeps it from running. */
export interface ScheduledTask {
  readonly atMs: number;
  cancel(): void;
}

/**
 * One timer for many devices: tasks wait in a min-heap ordered by due time and a single
 * `setTimeout` is armed for the earliest, so a thousand devices cost one timer, not a thousand.
 */
export interface Scheduler {
  /** Milliseconds on the scheduler's monotonic clock. */
  now(): number;
  /** Runs `run` once at `atMs` on the scheduler clock (immediately if that is past). */
  schedule(atMs: number, run: (nowMs: number) => void): ScheduledTask;
  /** Number of tasks waiting, cancelled ones included until they would have run. */
  readonly pending: number;
  /** Cancels every task and the timer. */
  close(): void;
}

export interface SchedulerOptions {
  /** The monotonic clock in milliseconds; `performance.now` by default. */
  now?: () => number;
  /** Called when a task throws; the scheduler keeps running the others. */
  onError?: (error: unknown) => void;
}

interface Entry extends ScheduledTask {
  atMs: number;
  order: number;
  run: ((nowMs: number) => void) | undefined;
}

export function createScheduler(options: SchedulerOptions = {}): Scheduler {
  const now = options.now ?? (() => performance.now());
  const onError = options.onError ?? (() => {});
  const heap: Entry[] = [];
  let order = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let closed = false;

  const less = (a: Entry, b: Entry) => a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order);

  const push = (entry: Entry) => {
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };

  const pop = (): Entry | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };

  const arm = () => {
    if (closed) return;
    while (heap.length > 0 && heap[0]!.run === undefined) pop();
    const next = heap[0];
    if (!next) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      timerAt = Infinity;
      return;
    }
    if (timer && timerAt <= next.atMs) return;
    if (timer) clearTimeout(timer);
    timerAt = next.atMs;
    timer = setTimeout(fire, Math.max(0, next.atMs - now()));
  };

  const fire = () => {
    timer = undefined;
    timerAt = Infinity;
    // setTimeout has millisecond granularity: run what falls due within the next millisecond too.
    const horizon = now() + 1;
    while (!closed && heap.length > 0 && heap[0]!.atMs <= horizon) {
      const entry = pop()!;
      const run = entry.run;
      if (!run) continue;
      entry.run = undefined;
      try {
        run(Math.max(entry.atMs, horizon - 1));
      } catch (error) {
        onError(error);
      }
    }
    arm();
  };

  return {
    now,
    get pending() {
      return heap.length;
    },
    schedule(atMs, run) {
      const entry: Entry = {
        atMs,
        order: order++,
        run,
        cancel() {
          entry.run = undefined;
        },
      };
      if (closed) return entry;
      push(entry);
      arm();
      return entry;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const entry of heap) entry.run = undefined;
      heap.length = 0;
    },
  };
}
