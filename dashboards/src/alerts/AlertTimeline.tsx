import type { AuditEntry } from './alert-types.ts';
import { formatClock, formatState } from './format.ts';

export interface AlertTimelineProps {
  audit: readonly AuditEntry[];
}

/** The incident's audit trail, oldest first: who did what, when, and their note. */
export function AlertTimeline({ audit }: AlertTimelineProps) {
  if (audit.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  return (
    <ol className="alert-timeline" data-testid="alert-timeline">
      {audit.map((entry, i) => (
        <li key={`${entry.at}-${i}`} data-action={entry.action}>
          <time dateTime={new Date(entry.at).toISOString()}>{formatClock(entry.at)}</time>
          <span className="what">
            <strong>{formatState(entry.action)}</strong>
            {entry.from && entry.to && entry.from !== entry.to && (
              <span className="muted">
                {' '}
                {formatState(entry.from)} → {formatState(entry.to)}
              </span>
            )}
          </span>
          <span className="who muted">
            {entry.who}
            {entry.role ? ` (${entry.role})` : ''}
          </span>
          {entry.note && <q className="note">{entry.note}</q>}
        </li>
      ))}
    </ol>
  );
}
