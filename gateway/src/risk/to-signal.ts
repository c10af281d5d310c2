import type { Signal } from '../alerts/signal.ts';
import type { Risk } from './types.ts';

/** A risk as the alert loop takes it in. */
export function riskSignal(risk: Risk): Signal {
  return {
    source: 'risk',
    kind: risk.kind,
    layer: risk.layer,
    ...(risk.device !== undefined ? { device: risk.device } : {}),
    ...(risk.metric !== undefined ? { metric: risk.metric } : {}),
    region: { system: risk.region.system, id: risk.region.id },
    score: risk.score,
    tsMs: risk.tsMs,
    explanation: risk.explanation,
  };
}
