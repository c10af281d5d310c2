import { useMemo, useState } from 'react';
import { useConsole, useRuntime } from '../live/runtime.ts';
import type { AlertDetail as Detail } from './alert-types.ts';
import { useAlerts, useAlertsRuntime } from './alerts-runtime.ts';
import { AlertActionBar, type ActionError } from './AlertActionBar.tsx';
import { AlertMembers } from './AlertMembers.tsx';
import { AlertTimeline } from './AlertTimeline.tsx';
import { flyToAlert } from './fly-to-alert.ts';
import { formatClock, formatDuration, formatRelative, formatState } from './format.ts';
import { SeverityChip } from './SeverityChip.tsx';
import { useAlertDetail } from './use-alert-detail.ts';
import { useNow } from './use-now.ts';

/** The open incident: what, where, who, by when, its brief, members, timeline and actions. */
export function AlertDetail() {
  const { store } = useAlertsRuntime();
  const { store: consoleStore } = useRuntime();
  const selectedId = useAlerts((s) => s.selectedId);
  const byId = useAlerts((s) => s.byId);
  const departments = useMemo(
    () => [...new Set([...byId.values()].map((a) => a.department))],
    [byId],
  );
  const { detail, error, replace, reload } = useAlertDetail();
  const [actionError, setActionError] = useState<ActionError & { id: string }>();
  if (!selectedId) return null;
  const close = () => store.setState({ selectedId: undefined });
  return (
    <section className="card alert-detail" aria-label="Alert" data-testid="alert-detail">
      <header>
        <div>
          <small>
            {selectedId}
            {detail && ` · ${detail.layer} · ${formatState(detail.kind)}`}
          </small>
          <h2 data-testid="alert-title">{detail?.title ?? '…'}</h2>
        </div>
        <button type="button" className="close" aria-label="Close the alert" onClick={close}>
          ×
        </button>
      </header>
      {error && (
        <p className="alert-error" role="alert">
          {error}
        </p>
      )}
      {detail && (
        <>
          <div className="alert-status">
            <SeverityChip severity={detail.severity} />
            <span className={`alert-state ${detail.state}`} data-testid="alert-state">
              {formatState(detail.state)}
            </span>
            <button
              type="button"
              className="link-button"
              onClick={() => flyToAlert(consoleStore, detail)}
            >
              Show on map
            </button>
          </div>
          <Facts detail={detail} />
          <AlertActionBar
            key={`${detail.id}-${detail.state}`}
            detail={detail}
            departments={departments}
            onDone={replace}
            onStale={reload}
            error={actionError?.id === detail.id ? actionError : undefined}
            onError={(e) => setActionError(e && { ...e, id: detail.id })}
          />
          {detail.brief && (
            <>
              <h3>Brief</h3>
              <pre className="alert-brief" data-testid="alert-brief">
                {detail.brief}
              </pre>
            </>
          )}
          <h3>Timeline</h3>
          <AlertTimeline audit={detail.audit ?? []} />
          <h3>
            Members <span className="muted">· {detail.members} findings</span>
          </h3>
          <AlertMembers members={detail.memberList ?? []} />
        </>
      )}
    </section>
  );
}

/** Department, SLA, size, rating, and the place in every grid system. */
function Facts({ detail }: { detail: Detail }) {
  const systems = useConsole((s) => s.city?.systems);
  const now = useNow(10_000);
  const systemName = (id: string) =>
    id === 'admin' ? 'District' : (systems?.find((s) => s.id === id)?.name ?? id);
  const slaText =
    detail.slaDueAt === null
      ? '–'
      : `${formatClock(detail.slaDueAt)} (${formatRelative(detail.slaDueAt, now)})`;
  return (
    <table className="placement alert-facts">
      <tbody>
        <tr>
          <th>Department</th>
          <td data-testid="alert-department">{detail.department || '–'}</td>
        </tr>
        <tr>
          <th>SLA due</th>
          <td className={detail.overdue ? 'overdue' : ''} data-testid="alert-sla">
            {detail.overdue ? 'overdue · ' : ''}
            {slaText}
            {detail.escalated > 0 ? ` · escalated ×${detail.escalated}` : ''}
          </td>
        </tr>
        <tr>
          <th>Opened</th>
          <td>
            {formatClock(detail.openedAt)} ·{' '}
            {detail.resolvedAt
              ? `resolved after ${formatDuration(detail.resolvedAt - detail.openedAt)}`
              : detail.state === 'cancelled'
                ? `false alarm, closed after ${formatDuration(detail.updatedAt - detail.openedAt)}`
                : `open ${formatDuration(now - detail.openedAt)}`}
          </td>
        </tr>
        <tr>
          <th>Scope</th>
          <td>
            {detail.members} findings from {detail.devices} devices
          </td>
        </tr>
        {detail.evaluation?.rating != null && (
          <tr>
            <th>Rating</th>
            <td data-testid="alert-rating">
              {'★'.repeat(detail.evaluation.rating)}
              {detail.evaluation.comment ? ` “${detail.evaluation.comment}”` : ''}
            </td>
          </tr>
        )}
        <tr>
          <th>{systemName(detail.place.system)}</th>
          <td>{detail.place.name}</td>
        </tr>
        {Object.entries(detail.regions ?? {})
          .filter(
            ([system, region]) => system !== detail.place.system && region.id !== detail.place.id,
          )
          .map(([system, region]) => (
            <tr key={system}>
              <th>{systemName(system)}</th>
              <td>{region.name}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
