import type { Logger } from 'pino';
import type { AlertPoint } from '../store/port.ts';
import type { AlertChange } from './incident-book.ts';

/** Batches alert points to the store, one write at a time, off the signal path. */
export interface PointWriter {
  add(point: AlertPoint): void;
  /** Writes what is pending and waits for writes in flight. */
  flush(): Promise<void>;
}

const BATCH_DELAY_MS = 200;

export function createPointWriter(
  store: { writeAlertPoints(points: readonly AlertPoint[]): Promise<void> } | undefined,
  log: Logger,
): PointWriter {
  let pending: AlertPoint[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  function writePending(): Promise<void> {
    timer = undefined;
    const batch = pending;
    pending = [];
    if (!store || batch.length === 0) return chain;
    chain = chain
      .then(() => store.writeAlertPoints(batch))
      .catch((error: unknown) => {
        // The workflow state is safe in alerts.db; only the chart points of this batch are lost.
        log.warn(
          { err: error, points: batch.length },
          'alert points not stored (charts miss them)',
        );
      });
    return chain;
  }

  return {
    add(point) {
      if (!store) return;
      pending.push(point);
      timer ??= setTimeout(() => void writePending(), BATCH_DELAY_MS);
    },
    async flush() {
      clearTimeout(timer);
      await writePending();
    },
  };
}

/** The point of the `alerts` measurement for one change, as the alert is right after it. */
export function pointOf(change: AlertChange): AlertPoint {
  const { alert } = change;
  return {
    ts: change.at,
    department: alert.department,
    layer: alert.layer,
    region: alert.place.id,
    severity: alert.severity,
    state: alert.state,
    alert: alert.id,
    members: alert.members.size,
    devices: alert.devices,
    score: alert.maxScore,
  };
}
