import { useCallback, useEffect, useState } from 'react';
import type { AlertDetail } from './alert-types.ts';
import { mergeAlerts } from './alert-store.ts';
import { useAlerts, useAlertsRuntime } from './alerts-runtime.ts';

export interface AlertDetailView {
  detail?: AlertDetail;
  error?: string;
  /** Shows what an action returned, and passes it on to the list. */
  replace(detail: AlertDetail): void;
  /** Loads the detail again. */
  reload(): void;
}

/** The selected incident's detail, reloaded whenever the gateway reports it changed. */
export function useAlertDetail(): AlertDetailView {
  const { store, api } = useAlertsRuntime();
  const id = useAlerts((s) => s.selectedId);
  const version = useAlerts((s) => s.selectedVersion);
  const token = useAlerts((s) => s.session.token);
  const [detail, setDetail] = useState<AlertDetail>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!id) return;
    let alive = true;
    api.detail(id).then(
      (d) => {
        if (!alive) return;
        setDetail(d);
        setError(undefined);
        mergeAlerts(store, [d], { fromDetail: true });
      },
      (e: Error) => alive && setError(e.message),
    );
    return () => {
      alive = false;
    };
  }, [api, store, id, version, token]);

  const replace = useCallback(
    (next: AlertDetail) => {
      setDetail(next);
      mergeAlerts(store, [next], { fromDetail: true });
      store.setState({ actionVersion: store.getState().actionVersion + 1 });
    },
    [store],
  );
  const reload = useCallback(
    () => store.setState({ selectedVersion: store.getState().selectedVersion + 1 }),
    [store],
  );
  return { detail: detail?.id === id ? detail : undefined, error, replace, reload };
}
