export {
  createRiskAnalysis,
  type RiskAnalysis,
  type RiskAnalysisOptions,
} from './risk-analysis.ts';
export type { Risk, RiskFinding, RiskKind, RiskPlace, RiskRegion } from './types.ts';
export { DEFAULT_RISK_TUNING, type RiskTuning } from './tuning.ts';
export { DEFAULT_LIMITS, type MetricLimit } from './limits.ts';
export { placeRisks } from './twin-places.ts';
export { riskSignal } from './to-signal.ts';
