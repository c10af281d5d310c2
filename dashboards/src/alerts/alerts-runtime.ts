import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { sessionRefused } from '../auth/session.ts';
import { createAlertsApi, type AlertsApi } from './alerts-api.ts';
import { createAlertStore, type AlertStore, type AlertsState } from './alert-store.ts';

/** The alert views' shared parts: their store, and the API signed as the store's session. */
export interface AlertsRuntime {
  store: AlertStore;
  api: AlertsApi;
}

export function createAlertsRuntime(): AlertsRuntime {
  const store = createAlertStore();
  return { store, api: createAlertsApi(() => store.getState().session.token, sessionRefused) };
}

/** The page's alert runtime by default; a provider may give another (e.g. in a test). */
export const AlertsContext = createContext<AlertsRuntime>(createAlertsRuntime());

export function useAlertsRuntime(): AlertsRuntime {
  return useContext(AlertsContext);
}

/** Subscribes a component to one slice of the alert store. */
export function useAlerts<T>(select: (state: AlertsState) => T): T {
  return useStore(useAlertsRuntime().store, select);
}
