import { ALERT_SEVERITIES } from '@sensegrid/twin';

export interface AlertBadgesProps {
  alerts: readonly number[];
  /** Show zero counts too (in the region header). */
  showZero?: boolean;
}

/** Open alerts by severity, worst first. */
export function AlertBadges({ alerts, showZero = false }: AlertBadgesProps) {
  const shown = ALERT_SEVERITIES.map((s, i) => [s, alerts[i] ?? 0] as const).filter(
    ([, n]) => showZero || n > 0,
  );
  if (shown.length === 0) return null;
  return (
    <span className="badges">
      {shown.map(([severity, n]) => (
        <span
          key={severity}
          className={`badge ${severity}${n === 0 ? ' zero' : ''}`}
          title={`${n} open ${severity} alerts`}
        >
          {n}
        </span>
      ))}
    </span>
  );
}
