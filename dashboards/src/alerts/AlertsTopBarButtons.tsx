import { useMemo } from 'react';
import { AlertBadges } from '../ui/AlertBadges.tsx';
import { countBySeverity, filterAlerts, DEFAULT_FILTERS } from './alert-filters.ts';
import { useAlerts, useAlertsRuntime } from './alerts-runtime.ts';

/** Top-bar toggles of the alert list (with open counts by severity) and the evaluation. */
export function AlertsTopBarButtons() {
  const { store } = useAlertsRuntime();
  const byId = useAlerts((s) => s.byId);
  const listOpen = useAlerts((s) => s.listOpen);
  const evaluationOpen = useAlerts((s) => s.evaluationOpen);
  const open = useMemo(() => countBySeverity(filterAlerts(byId.values(), DEFAULT_FILTERS)), [byId]);
  return (
    <div className="alert-toggles">
      <button
        type="button"
        aria-pressed={listOpen}
        title="Alert list (a)"
        aria-label="Alerts"
        data-testid="toggle-alerts"
        onClick={() => store.setState({ listOpen: !listOpen })}
      >
        <span className="toggle-label">Alerts</span>
        <span className="toggle-icon" aria-hidden="true">
          ⚠
        </span>
        <AlertBadges alerts={open} />
      </button>
      <button
        type="button"
        aria-pressed={evaluationOpen}
        title="Evaluation by department (e)"
        aria-label="Evaluation"
        data-testid="toggle-evaluation"
        onClick={() => store.setState({ evaluationOpen: !evaluationOpen })}
      >
        <span className="toggle-label">Evaluation</span>
        <span className="toggle-icon" aria-hidden="true">
          ★
        </span>
      </button>
    </div>
  );
}
