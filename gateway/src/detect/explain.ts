import type { MetricSpec } from '@sensegrid/twin';
import type { FindingKind } from './finding.ts';

/** What an explanation needs to know about the reading and the baseline it broke. */
export interface ExplainInput {
  kind: FindingKind;
  metricName: string;
  metric: MetricSpec | undefined;
  value: number;
  /** Robust sigmas from the usual level (spike, dip, shifts, drift), or the roughness ratio (variance change). */
  sigmas: number;
  usualLevel: number;
  usualSigma: number;
  /** Time-of-day slot label, like "08:00". */
  slotLabel: string;
  /** Share of history spent at the current level (level shift). */
  levelShare: number;
  /** Identical readings in a row (flatline) or missed intervals (missing). */
  count: number;
  /** The usual reporting interval in ms (missing). */
  intervalMs: number;
}

/** A short number: 3 significant digits, no exponent for everyday magnitudes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

/** A duration in the largest unit that keeps it readable: "45 s", "12 min", "3.5 h". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${formatNumber(ms / 1000)} s`;
  if (ms < 3_600_000) return `${formatNumber(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${formatNumber(ms / 3_600_000)} h`;
  return `${formatNumber(ms / 86_400_000)} d`;
}

/** The sentence for a finding, e.g. "pm25 142 ug/m3, 6.1 robust sigmas above its usual level for 08:00 (31 ± 4.2)". */
export function explainFinding(input: ExplainInput): string {
  const unit = input.metric ? ` ${input.metric.unit}` : '';
  const head = `${input.metricName} ${formatNumber(input.value)}${unit}`;
  const sigmas = Math.abs(input.sigmas).toFixed(1);
  const usual = `${formatNumber(input.usualLevel)} ± ${formatNumber(input.usualSigma)}${unit}`;
  switch (input.kind) {
    case 'spike':
    case 'dip':
      return `${head}, ${sigmas} robust sigmas ${input.sigmas >= 0 ? 'above' : 'below'} its usual level for ${input.slotLabel} (${usual}).`;
    case 'pattern_change':
      return `${head}, ${sigmas} robust sigmas ${input.sigmas >= 0 ? 'above' : 'below'} its usual level for ${input.slotLabel} (${usual}) for a while, at a level it knows from other times of day: the daily pattern has changed.`;
    case 'level_shift':
      return `${head}, ${sigmas} robust sigmas ${input.sigmas >= 0 ? 'above' : 'below'} its usual level for ${input.slotLabel} (${usual}): its level has moved to where it spent ${(input.levelShare * 100).toFixed(1)}% of its history.`;
    case 'variance_change': {
      const times = input.sigmas >= 1 ? input.sigmas : 1 / input.sigmas;
      return `${head}: its reading-to-reading changes are ${times.toFixed(1)} times ${input.sigmas >= 1 ? 'larger' : 'smaller'} than usual.`;
    }
    case 'drift':
      return `${head}: over the last hours it has drifted ${sigmas} robust sigmas on average ${input.sigmas >= 0 ? 'above' : 'below'} its usual levels (now ${usual} for ${input.slotLabel}).`;
    case 'out_of_range': {
      const [min, max] = input.metric?.physical ?? [Number.NaN, Number.NaN];
      return `${head} is outside what the sensor can report (${formatNumber(min)} to ${formatNumber(max)}${unit}).`;
    }
    case 'flatline':
      return `${head}, the same value ${input.count} times in a row from a sensor that used to vary: it may be stuck.`;
    case 'missing':
      return `${head} arrived after ${formatDuration(input.count * input.intervalMs)} of silence, ${formatNumber(input.count)} times its usual interval of ${formatDuration(input.intervalMs)}.`;
  }
}
