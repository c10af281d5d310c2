import { createStore } from 'zustand/vanilla';
import { DEFAULT_FILTERS, newerAlert, type AlertFilters } from './alert-filters.ts';
import type { AlertSummary, Role } from './alert-types.ts';

/** Who is signed in, as the alert views need it. */
export interface AlertSession {
  token?: string;
  name?: string;
  role?: Role;
}

/**
 * The alert workflow's slow state, apart from the console store so that alert traffic never
 * touches what the 3D scene subscribes to. Live messages are merged in batches (see
 * `createAlertMerger`), so the list re-renders at most a few times a second.
 */
export interface AlertsState {
  session: AlertSession;
  byId: ReadonlyMap<string, AlertSummary>;
  loaded: boolean;
  loadError?: string;
  filters: AlertFilters;
  /** The incident open in the detail card. */
  selectedId?: string;
  /** Bumped whenever the selected incident changes on the gateway, so its detail reloads. */
  selectedVersion: number;
  listOpen: boolean;
  evaluationOpen: boolean;
  /** Bumped when an action succeeds, so the evaluation panel reloads. */
  actionVersion: number;
  /**
   * While the console's timeline shows the past: that moment, and the alerts as they stood
   * then (`GET /api/alerts?at=`). The list shows these instead of the live ones.
   */
  past?: { at: number; alerts: AlertSummary[] };
}

export const createAlertStore = () =>
  createStore<AlertsState>(() => ({
    session: {},
    byId: new Map(),
    loaded: false,
    filters: DEFAULT_FILTERS,
    selectedVersion: 0,
    // Open from the start where there is room for it beside the city.
    listOpen: typeof window === 'undefined' || window.innerWidth > 820,
    evaluationOpen: false,
    actionVersion: 0,
  }));

export type AlertStore = ReturnType<typeof createAlertStore>;

/**
 * Merges alert versions into the store, keeping the newer of each. A newer version of the
 * selected incident asks its detail to reload, unless it comes from that detail itself.
 */
export function mergeAlerts(
  store: AlertStore,
  incoming: readonly AlertSummary[],
  { fromDetail = false } = {},
): void {
  if (incoming.length === 0) return;
  const { byId, selectedId, selectedVersion } = store.getState();
  const next = new Map(byId);
  let selectedChanged = false;
  for (const alert of incoming) {
    const known = next.get(alert.id);
    const kept = newerAlert(known, alert);
    const changed = kept === alert && (!known || alert.updatedAt > known.updatedAt);
    if (changed && alert.id === selectedId && !fromDetail) selectedChanged = true;
    next.set(alert.id, kept);
  }
  store.setState({
    byId: next,
    ...(selectedChanged ? { selectedVersion: selectedVersion + 1 } : {}),
  });
}

/**
 * Collects live alert messages and merges them at most once per `intervalMs`. Returns the
 * function that takes one message payload, and the stop function.
 */
export function createAlertMerger(store: AlertStore, intervalMs = 200) {
  let pending: AlertSummary[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const batch = pending;
    pending = [];
    mergeAlerts(store, batch);
  };
  return {
    take(payload: Uint8Array | string): void {
      const alert = parseAlertMessage(payload);
      if (!alert) return;
      pending.push(alert);
      timer ??= setTimeout(flush, intervalMs);
    },
    stop(): void {
      clearTimeout(timer);
      timer = undefined;
      pending = [];
    },
  };
}

/** `{ "alert": AlertSummary }` from `$twin/alerts`; anything else is ignored. */
export function parseAlertMessage(payload: Uint8Array | string): AlertSummary | undefined {
  try {
    const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
    const alert = (JSON.parse(text) as { alert?: AlertSummary }).alert;
    return alert && typeof alert.id === 'string' && typeof alert.state === 'string'
      ? alert
      : undefined;
  } catch {
    return undefined;
  }
}
