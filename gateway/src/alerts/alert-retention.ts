import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { isOpenState, type Alert } from './model.ts';

/**
 * The alerts to delete under a retention: closed (resolved, evaluated, cancelled: every state
 * that is not open) and last changed before `beforeMs`. `updatedAt` is the latest time of any
 * change (signal, step or escalation), in the alert's own time. Open alerts are never chosen.
 */
export function expiredAlertIds(alerts: Iterable<Alert>, beforeMs: number): string[] {
  const ids: string[] = [];
  for (const alert of alerts) {
    if (!isOpenState(alert.state) && alert.updatedAt < beforeMs) ids.push(alert.id);
  }
  return ids;
}

export interface AlertRetentionOptions {
  /** The alert loop (anything that prunes closed alerts changed before a time). */
  loop: { prune(beforeMs: number): string[] };
  /** How long a closed alert is kept after its last change, in ms; 0 keeps every alert. */
  retentionMs: number;
  log: Logger;
  /** `sensegrid_alerts_pruned_total`. */
  counter?: Counter;
  /** Wall clock. */
  now?: () => number;
  /** How often to prune, in ms; hourly by default. */
  everyMs?: number;
}

export interface AlertRetention {
  /** Prunes now; returns how many alerts were deleted. */
  prune(): number;
  stop(): void;
}

const HOUR_MS = 3600_000;

/**
 * Keeps the alert database to the retention: prunes at once, then every hour on a timer that
 * does not hold the process open. With a retention of 0 it does nothing.
 */
export function startAlertRetention(options: AlertRetentionOptions): AlertRetention {
  const { loop, retentionMs, log, counter } = options;
  const now = options.now ?? Date.now;
  const prune = (): number => {
    if (retentionMs <= 0) return 0;
    const beforeMs = now() - retentionMs;
    const pruned = loop.prune(beforeMs).length;
    if (pruned > 0) {
      counter?.inc(pruned);
      log.info(
        { pruned, changedBefore: new Date(beforeMs).toISOString() },
        'closed alerts past the retention deleted',
      );
    }
    return pruned;
  };
  prune();
  if (retentionMs <= 0) return { prune, stop: () => undefined };
  const timer = setInterval(() => {
    try {
      prune();
    } catch (error) {
      log.error({ err: error }, 'closed alerts could not be pruned; the next prune tries again');
    }
  }, options.everyMs ?? HOUR_MS);
  timer.unref();
  return { prune, stop: () => clearInterval(timer) };
}
