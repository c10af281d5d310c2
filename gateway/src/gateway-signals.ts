import type { Logger } from 'pino';
import type { Signal, SignalSink } from './alerts/signal.ts';
import { createFindings, type Findings } from './detect/findings.ts';
import type { Metrics } from './metrics.ts';
import { createRiskAnalysis, placeRisks, riskSignal, type RiskAnalysis } from './risk/index.ts';
import type { LiveTwin } from './twin-state/live-twin.ts';
import type { DeviceRegistry } from './twin-state/registry.ts';

/**
 * Everything that raises signals (detectors, risk analysis, the traffic monitor) calls
 * `raise`; the alert loop and tests listen with `onSignal`, which returns its unsubscribe.
 */
export interface SignalHub {
  raise: SignalSink;
  onSignal(sink: SignalSink): () => void;
}

export function createSignalHub(): SignalHub {
  const sinks = new Set<SignalSink>();
  return {
    raise(signal: Signal) {
      for (const sink of sinks) sink(signal);
    },
    onSignal(sink: SignalSink) {
      sinks.add(sink);
      return () => void sinks.delete(sink);
    },
  };
}

export interface DetectionOptions {
  signals: SignalHub;
  registry: DeviceRegistry;
  twin: LiveTwin;
  metrics: Metrics;
  log: Logger;
}

/**
 * The streaming detectors and the risk analysis over the twin's regions: both raise signals
 * on the hub and count what they find; the detectors' findings feed the risk analysis too.
 * They take readings once ingest runs.
 */
export function createDetection(options: DetectionOptions): {
  findings: Findings;
  risks: RiskAnalysis;
} {
  const { signals, registry, metrics } = options;
  const risks = createRiskAnalysis({
    placeOf: placeRisks(options.twin.state),
    onRisk(risk) {
      metrics.risks.inc({ kind: risk.kind });
      signals.raise(riskSignal(risk));
    },
  });
  const findings = createFindings({
    counter: metrics.findings,
    log: options.log.child({ component: 'detect' }),
    onFinding(finding) {
      signals.raise({
        source: 'detector',
        kind: finding.kind,
        layer: registry.get(finding.device)?.layer ?? 'unknown',
        device: finding.device,
        metric: finding.metric,
        score: finding.score,
        tsMs: finding.tsMs,
        explanation: finding.explanation,
      });
      risks.addFinding(finding);
    },
  });
  return { findings, risks };
}
