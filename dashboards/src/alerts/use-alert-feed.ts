import { useEffect } from 'react';
import type { ConsoleStore } from '../live/console-store.ts';
import { filtersToQuery } from './alert-filters.ts';
import { subscribeAlertMessages } from './alert-messages.ts';
import { createAlertMerger, mergeAlerts } from './alert-store.ts';
import { useAlerts, useAlertsRuntime } from './alerts-runtime.ts';

/** The most alerts one list request asks for. */
const LIST_LIMIT = 500;

/**
 * Keeps the alert store current: loads `GET /api/alerts` for the filters (again whenever the
 * live feed reconnects, since `$twin/alerts` is QoS 0), and merges every live message.
 */
export function useAlertFeed(consoleStore: ConsoleStore, token: string | undefined): void {
  const { store, api } = useAlertsRuntime();
  // The region text is matched in the console; only the other filters are asked of the API.
  const query = useAlerts((s) => filtersToQuery({ ...s.filters, region: '' }, LIST_LIMIT));

  useEffect(() => {
    const merger = createAlertMerger(store);
    const unsubscribe = subscribeAlertMessages((payload) => merger.take(payload));
    return () => {
      unsubscribe();
      merger.stop();
    };
  }, [store]);

  useEffect(() => {
    let alive = true;
    const load = () =>
      api.list(query).then(
        (alerts) => {
          if (!alive) return;
          mergeAlerts(store, alerts);
          store.setState({ loaded: true, loadError: undefined });
        },
        (error: Error) => alive && store.setState({ loadError: error.message }),
      );
    void load();
    const unsubscribe = consoleStore.subscribe((s, prev) => {
      if (s.connection === 'live' && prev.connection !== 'live') void load();
    });
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [api, store, consoleStore, query, token]);
}
