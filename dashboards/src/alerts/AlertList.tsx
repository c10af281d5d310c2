import { useMemo, type KeyboardEvent } from 'react';
import { AlertBadges } from '../ui/AlertBadges.tsx';
import { useRuntime } from '../live/runtime.ts';
import { countBySeverity, filterAlerts } from './alert-filters.ts';
import type { AlertSummary } from './alert-types.ts';
import { useAlerts, useAlertsRuntime } from './alerts-runtime.ts';
import { AlertFiltersBar } from './AlertFiltersBar.tsx';
import { flyToAlert } from './fly-to-alert.ts';
import { formatClock, formatRelative, formatState } from './format.ts';
import { SeverityChip } from './SeverityChip.tsx';
import { useNow } from './use-now.ts';

/** The incidents the filters let through, newest first, with their counts by severity. */
export function AlertList() {
  const { store } = useAlertsRuntime();
  const { store: consoleStore } = useRuntime();
  const open = useAlerts((s) => s.listOpen);
  const byId = useAlerts((s) => s.byId);
  const filters = useAlerts((s) => s.filters);
  const selectedId = useAlerts((s) => s.selectedId);
  const loaded = useAlerts((s) => s.loaded);
  const loadError = useAlerts((s) => s.loadError);
  const now = useNow(15_000);
  const past = useAlerts((s) => s.past);
  const shown = useMemo(
    () => filterAlerts(past ? past.alerts : byId.values(), filters),
    [past, byId, filters],
  );
  const counts = useMemo(() => countBySeverity(shown), [shown]);
  if (!open) return null;

  const choose = (alert: AlertSummary) => {
    store.setState({ selectedId: alert.id });
    flyToAlert(consoleStore, alert);
  };

  return (
    <section className="alert-list card" aria-label="Alerts" data-testid="alert-list">
      <header>
        <h2>
          Alerts{' '}
          <span className="muted" data-testid="alert-count">
            {shown.length}
          </span>
        </h2>
        {past && (
          <span
            className="alert-past"
            data-testid="alert-list-past"
            title="The timeline shows the past"
          >
            as at {formatClock(past.at)}
          </span>
        )}
        <AlertBadges alerts={counts} showZero />
        <button
          type="button"
          className="close"
          aria-label="Close the alert list"
          title="Close (a)"
          onClick={() => store.setState({ listOpen: false })}
        >
          ×
        </button>
      </header>
      <AlertFiltersBar />
      {loadError && (
        <p className="alert-error" role="alert">
          {loadError}
        </p>
      )}
      {shown.length === 0 ? (
        <p className="muted">{loaded ? 'No alerts match the filters.' : 'Loading alerts…'}</p>
      ) : (
        <ul className="alert-rows" onKeyDown={moveFocus}>
          {shown.map((alert) => (
            <li key={alert.id}>
              <button
                type="button"
                className={`alert-row${alert.id === selectedId ? ' selected' : ''}`}
                aria-current={alert.id === selectedId ? 'true' : undefined}
                data-testid={`alert-row-${alert.id}`}
                data-state={alert.state}
                onClick={() => choose(alert)}
              >
                <SeverityChip severity={alert.severity} />
                <span className="alert-title">{alert.title}</span>
                <span className={`alert-state ${alert.state}`}>{formatState(alert.state)}</span>
                <span className="alert-where muted">
                  {alert.place?.name} · {alert.layer}
                </span>
                <span className={`alert-age${alert.overdue ? ' overdue' : ''}`}>
                  {alert.overdue ? 'overdue · ' : ''}
                  {formatRelative(alert.openedAt, now)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * Up and down (Home, End) move between the rows. Handled here, so the map's own arrow keys
 * (which pan the camera) do not fire too.
 */
function moveFocus(e: KeyboardEvent<HTMLUListElement>) {
  const rows = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('.alert-row')];
  const at = rows.indexOf(document.activeElement as HTMLButtonElement);
  const to =
    e.key === 'ArrowDown'
      ? at + 1
      : e.key === 'ArrowUp'
        ? at - 1
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? rows.length - 1
            : undefined;
  if (to === undefined || at < 0) return;
  e.preventDefault();
  e.stopPropagation();
  rows[Math.max(0, Math.min(rows.length - 1, to))]?.focus();
}
