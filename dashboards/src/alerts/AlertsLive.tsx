import { useEffect } from 'react';
import { useRuntime } from '../live/runtime.ts';
import { useAlertsRuntime } from './alerts-runtime.ts';
import { useAlertFeed } from './use-alert-feed.ts';
import { useAlertKeys } from './use-alert-keys.ts';
import { usePastAlerts } from './use-past-alerts.ts';
import { useSignedIn } from './use-signed-in.ts';
import './alerts.css';

/**
 * Keeps the alert store live and signed as whoever is signed in, and listens to the alert
 * keys. Renders nothing; the console mounts it once.
 */
export function AlertsLive() {
  const { store } = useAlertsRuntime();
  const { token, name, role } = useSignedIn();
  useEffect(() => {
    store.setState({ session: { token, name, role } });
  }, [store, token, name, role]);
  useAlertFeed(useRuntime().store, token);
  usePastAlerts(token);
  useAlertKeys();
  return null;
}
