import { join } from 'node:path';
import type { Aedes } from 'aedes';
import type { Logger } from 'pino';
import type { Ingest } from '../ingest/ingest.ts';
import type { Metrics } from '../metrics.ts';
import type { ReadingStore } from '../store/port.ts';
import type { TwinState } from '../twin-state/twin-state.ts';
import { AlertLoop } from './alert-loop.ts';
import { startAlertRetention } from './alert-retention.ts';
import { builtInRules, loadAlertRules, type AlertRules } from './rules.ts';
import type { SignalSink } from './signal.ts';

/** The rules of `--alert-rules` (checked now, so a bad file stops the start), or the built-in ones. */
export function alertRulesFor(path: string | undefined): AlertRules {
  return path ? loadAlertRules(path) : builtInRules();
}

export interface GatewayAlertsOptions {
  dataDir: string;
  rules: AlertRules;
  /** Closed alerts are deleted this long after their last change (ms); 0 keeps them all. */
  retentionMs: number;
  twin: TwinState;
  store: ReadingStore;
  metrics: Metrics;
  log: Logger;
  signals: { onSignal(sink: SignalSink): () => void };
  ingest: Ingest;
}

/**
 * The alert loop as the gateway runs it: `<dataDir>/alerts.db`, fed by the signal hub, its
 * signal clock moved on by the readings' own times, points to the store, closed alerts pruned
 * to the retention.
 */
export function startGatewayAlerts(options: GatewayAlertsOptions): {
  loop: AlertLoop;
  stop(): Promise<void>;
} {
  const log = options.log.child({ component: 'alerts' });
  const loop = new AlertLoop({
    dbPath: join(options.dataDir, 'alerts.db'),
    rules: options.rules,
    twin: options.twin,
    log,
    metrics: options.metrics,
    store: options.store,
  });
  const retention = startAlertRetention({
    loop,
    retentionMs: options.retentionMs,
    log,
    counter: options.metrics.alertsPruned,
  });
  const offSignals = options.signals.onSignal(loop.onSignal);
  const offReadings = options.ingest.onReadings((readings) => {
    let newest = -Infinity;
    for (const reading of readings) if (reading.ts > newest) newest = reading.ts;
    loop.observeTime(newest);
  });
  loop.start();
  return {
    loop,
    async stop() {
      retention.stop();
      offSignals();
      offReadings();
      await loop.close();
    },
  };
}

/** Publishes alert changes to the consoles through the embedded broker. */
export function publishThrough(aedes: Aedes): (topic: string, payload: Buffer) => void {
  return (topic, payload) =>
    aedes.publish({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, () => {});
}
