import { ALERT_SEVERITIES, type AlertSeverity } from '@sensegrid/twin';

/** Layers where a failure endangers people or infrastructure directly: one step more severe. */
const SAFETY_LAYERS = new Set(['fire', 'structure', 'water', 'power']);

/**
 * The severity of an incident from its strongest finding, its layer and how many sensors are
 * involved. Points: score >= 0.9 gives 3, >= 0.75 gives 2, >= 0.6 gives 1; a safety layer
 * (fire, structure, water, power) adds 1; 3 or more sensors add 1, 10 or more add 2.
 * 4 points and up are critical, 3 major, 2 minor, less a warning. Scores and sensor counts only
 * grow while an incident is open, so its severity never drops.
 */
export function severityOf(maxScore: number, layer: string, sensors: number): AlertSeverity {
  let points = maxScore >= 0.9 ? 3 : maxScore >= 0.75 ? 2 : maxScore >= 0.6 ? 1 : 0;
  if (SAFETY_LAYERS.has(layer)) points += 1;
  if (sensors >= 10) points += 2;
  else if (sensors >= 3) points += 1;
  if (points >= 4) return 'critical';
  if (points === 3) return 'major';
  if (points === 2) return 'minor';
  return 'warning';
}

/** Lower is worse: critical 0 ... warning 3. */
export const severityRank = (severity: AlertSeverity): number => ALERT_SEVERITIES.indexOf(severity);
