import { useState } from 'react';
import type { AlertMember } from './alert-types.ts';
import { formatClock } from './format.ts';

export interface AlertMembersProps {
  members: readonly AlertMember[];
}

const FIRST = 8;

/** The findings the incident gathers (the first few, the rest on request). */
export function AlertMembers({ members }: AlertMembersProps) {
  const [all, setAll] = useState(false);
  if (members.length === 0) return <p className="muted">No findings listed.</p>;
  const shown = all ? members : members.slice(0, FIRST);
  return (
    <>
      <ul className="alert-members" data-testid="alert-members">
        {shown.map((m, i) => (
          <li key={`${m.device ?? m.region}-${m.metric ?? ''}-${m.firstTs}-${i}`}>
            <span>
              <strong>{m.device ?? m.region}</strong>
              {m.metric && <span className="muted"> · {m.metric}</span>}
              <span className="muted"> · {m.kind}</span>
            </span>
            <span className="score" title="score">
              {m.score.toFixed(2)}
            </span>
            <small className="muted">
              {formatClock(m.firstTs)} — {m.explanation}
            </small>
          </li>
        ))}
      </ul>
      {members.length > FIRST && (
        <button type="button" className="link-button" onClick={() => setAll(!all)}>
          {all ? 'Fewer' : `All ${members.length}`}
        </button>
      )}
    </>
  );
}
