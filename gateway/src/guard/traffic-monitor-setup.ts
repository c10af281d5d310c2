import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { SignalSink } from '../alerts/signal.ts';
import {
  createTrafficMonitor,
  type TrafficFinding,
  type TrafficMonitor,
} from './traffic-monitor.ts';
import type { TrafficOptions } from './traffic/options.ts';

export interface TrafficWatchOptions {
  /** Where findings go as signals (the gateway's signal hub). */
  raise: SignalSink;
  /** `sensegrid_traffic_findings_total{kind}`. */
  counter: Counter<'kind'>;
  log: Logger;
  options?: Partial<TrafficOptions>;
}

export interface TrafficWatch {
  monitor: TrafficMonitor;
  stop(): void;
}

/**
 * Runs the traffic monitor in the gateway: findings become `netsec` signals and are counted,
 * and silence and ended floods are judged on a timer.
 */
export function watchTraffic(options: TrafficWatchOptions): TrafficWatch {
  const { raise, counter, log } = options;
  const monitor = createTrafficMonitor((finding: TrafficFinding) => {
    if (!finding.clear) counter.inc({ kind: finding.kind });
    log[finding.clear ? 'info' : 'warn'](
      {
        kind: finding.kind,
        device: finding.device,
        address: finding.address,
        clear: finding.clear,
      },
      finding.explanation,
    );
    raise({
      source: 'traffic',
      kind: finding.kind,
      layer: 'netsec',
      device: finding.device,
      score: finding.score,
      tsMs: finding.tsMs,
      explanation: finding.explanation,
      ...(finding.clear ? { clear: true } : {}),
    });
  }, options.options);
  const everyMs = Math.max(100, Math.min(monitor.options.bucketMs, 5000));
  const timer = setInterval(() => monitor.check(Date.now()), everyMs);
  timer.unref();
  return { monitor, stop: () => clearInterval(timer) };
}
