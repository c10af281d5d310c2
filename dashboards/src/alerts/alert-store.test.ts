import { describe, expect, it, vi } from 'vitest';
import {
  createAlertMerger,
  createAlertStore,
  mergeAlerts,
  parseAlertMessage,
} from './alert-store.ts';
import { makeAlert } from './test-alerts.ts';

const message = (patch: Parameters<typeof makeAlert>[0]) =>
  new TextEncoder().encode(JSON.stringify({ alert: makeAlert(patch) }));

describe('the alert store', () => {
  it('merges fetched and live versions, keeping the newest of each', () => {
    const store = createAlertStore();
    mergeAlerts(store, [makeAlert({ id: 'a', updatedAt: 5 }), makeAlert({ id: 'b' })]);
    mergeAlerts(store, [makeAlert({ id: 'a', updatedAt: 4, state: 'cancelled' })]);
    expect(store.getState().byId.get('a')!.state).toBe('discovered');
    mergeAlerts(store, [makeAlert({ id: 'a', updatedAt: 6, state: 'dispatched' })]);
    expect(store.getState().byId.get('a')!.state).toBe('dispatched');
    expect(store.getState().byId.size).toBe(2);
  });

  it('tells the detail to reload only when its own incident changed', () => {
    const store = createAlertStore();
    store.setState({ selectedId: 'a' });
    mergeAlerts(store, [makeAlert({ id: 'b', updatedAt: 1 })]);
    expect(store.getState().selectedVersion).toBe(0);
    mergeAlerts(store, [makeAlert({ id: 'a', updatedAt: 1 })]);
    expect(store.getState().selectedVersion).toBe(1);
    mergeAlerts(store, [makeAlert({ id: 'a', updatedAt: 1 })]);
    mergeAlerts(store, [makeAlert({ id: 'a', updatedAt: 2 })], { fromDetail: true });
    expect(store.getState().selectedVersion).toBe(1);
    expect(store.getState().byId.get('a')!.updatedAt).toBe(2);
  });

  it('batches a burst of live messages into one store update', () => {
    vi.useFakeTimers();
    try {
      const store = createAlertStore();
      const updates = vi.fn();
      store.subscribe(updates);
      const merger = createAlertMerger(store, 200);
      for (let i = 0; i < 50; i++) merger.take(message({ id: `inc-${i}`, updatedAt: i }));
      merger.take('not json');
      merger.take(JSON.stringify({ frame: 1 }));
      expect(updates).not.toHaveBeenCalled();
      vi.advanceTimersByTime(200);
      expect(updates).toHaveBeenCalledTimes(1);
      expect(store.getState().byId.size).toBe(50);
      merger.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads only well-formed alert messages', () => {
    expect(parseAlertMessage(message({ id: 'inc-9' }))?.id).toBe('inc-9');
    expect(parseAlertMessage('{"alert":{"id":3}}')).toBeUndefined();
    expect(parseAlertMessage(new Uint8Array([0xff, 0x00]))).toBeUndefined();
  });
});
