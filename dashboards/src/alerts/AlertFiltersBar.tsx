import { ALERT_SEVERITIES } from '@sensegrid/twin';
import { useConsole } from '../live/runtime.ts';
import type { AlertFilters } from './alert-filters.ts';
import { ALERT_STATES } from './alert-types.ts';
import { useAlerts, useAlertsRuntime } from './alerts-runtime.ts';
import { formatState } from './format.ts';

/** State, layer, severity and region filters of the alert list. */
export function AlertFiltersBar() {
  const { store } = useAlertsRuntime();
  const filters = useAlerts((s) => s.filters);
  const layers = useConsole((s) => s.layers);
  const set = (patch: Partial<AlertFilters>) =>
    store.setState({ filters: { ...store.getState().filters, ...patch } });
  return (
    <div className="alert-filters" role="group" aria-label="Alert filters">
      <select
        aria-label="State"
        data-testid="alert-filter-state"
        value={filters.state}
        onChange={(e) => set({ state: e.target.value as AlertFilters['state'] })}
      >
        <option value="open">open</option>
        <option value="all">all states</option>
        {ALERT_STATES.map((state) => (
          <option key={state} value={state}>
            {formatState(state)}
          </option>
        ))}
      </select>
      <select
        aria-label="Layer"
        data-testid="alert-filter-layer"
        value={filters.layer}
        onChange={(e) => set({ layer: e.target.value })}
      >
        <option value="">all layers</option>
        {layers.map((layer) => (
          <option key={layer.id} value={layer.id}>
            {layer.name}
          </option>
        ))}
      </select>
      <select
        aria-label="Severity"
        data-testid="alert-filter-severity"
        value={filters.severity}
        onChange={(e) => set({ severity: e.target.value as AlertFilters['severity'] })}
      >
        <option value="">all severities</option>
        {ALERT_SEVERITIES.map((severity) => (
          <option key={severity} value={severity}>
            {severity}
          </option>
        ))}
      </select>
      <input
        type="search"
        aria-label="Region"
        placeholder="Region…"
        data-testid="alert-filter-region"
        value={filters.region}
        onChange={(e) => set({ region: e.target.value })}
      />
    </div>
  );
}
