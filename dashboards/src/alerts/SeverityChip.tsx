import type { AlertSeverity } from '@sensegrid/twin';

export interface SeverityChipProps {
  severity: AlertSeverity;
}

/** The severity as a coloured chip (the colours of the region badges). */
export function SeverityChip({ severity }: SeverityChipProps) {
  return (
    <span className={`severity-chip ${severity}`} data-testid="alert-severity">
      {severity}
    </span>
  );
}
