import { useEffect, useState, type ReactNode } from 'react';
import { useRuntime } from '../live/runtime.ts';
import type { AlertSession } from './alert-store.ts';
import { AlertsContext, createAlertsRuntime } from './alerts-runtime.ts';
import { useAlertFeed } from './use-alert-feed.ts';
import { useAlertKeys } from './use-alert-keys.ts';

export interface AlertsProviderProps {
  /** Who is signed in; actions and requests go out as them. */
  session: AlertSession;
  children: ReactNode;
}

/** Gives the alert views their store and API, and keeps the store live. */
export function AlertsProvider({ session, children }: AlertsProviderProps) {
  const [runtime] = useState(() => {
    const created = createAlertsRuntime();
    created.store.setState({ session });
    return created;
  });
  const { token, name, role } = session;
  useEffect(() => {
    runtime.store.setState({ session: { token, name, role } });
  }, [runtime, token, name, role]);
  return (
    <AlertsContext.Provider value={runtime}>
      <AlertFeed />
      {children}
    </AlertsContext.Provider>
  );
}

function AlertFeed() {
  useAlertFeed(useRuntime().store);
  useAlertKeys();
  return null;
}
