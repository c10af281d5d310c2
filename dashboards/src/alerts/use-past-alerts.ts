import { useEffect } from 'react';
import { consoleClock } from '../timeline/console-clock.ts';
import { filtersToQuery } from './alert-filters.ts';
import { useAlerts, useAlertsRuntime } from './alerts-runtime.ts';

const LIST_LIMIT = 500;
/** While scrubbing or playing, the past alerts are asked for at most this often. */
const PAST_EVERY_MS = 1000;

/**
 * Follows the console's timeline: while it shows the past, loads the alerts as they stood at
 * the moment shown (`GET /api/alerts?at=`); back to live, the list shows the live ones again.
 */
export function usePastAlerts(token: string | undefined): void {
  const { store, api } = useAlertsRuntime();
  const filtersKey = useAlerts((s) => filtersToQuery({ ...s.filters, region: '' }, LIST_LIMIT));

  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastAt = 0;
    const load = (at: number) => {
      lastAt = Date.now();
      const query = filtersToQuery({ ...store.getState().filters, region: '' }, LIST_LIMIT, at);
      api.list(query).then(
        (alerts) => {
          if (alive && !consoleClock.getState().live) store.setState({ past: { at, alerts } });
        },
        (error: Error) => alive && store.setState({ loadError: error.message }),
      );
    };
    const follow = () => {
      if (consoleClock.getState().live) {
        clearTimeout(timer);
        timer = undefined;
        if (store.getState().past) store.setState({ past: undefined });
        return;
      }
      timer ??= setTimeout(
        () => {
          timer = undefined;
          const clock = consoleClock.getState();
          if (!clock.live) load(clock.t);
        },
        Math.max(0, PAST_EVERY_MS - (Date.now() - lastAt)),
      );
    };
    follow();
    const unsubscribe = consoleClock.subscribe((s, prev) => {
      if (s.live !== prev.live || s.t !== prev.t) follow();
    });
    return () => {
      alive = false;
      clearTimeout(timer);
      unsubscribe();
    };
  }, [api, store, filtersKey, token]);
}
