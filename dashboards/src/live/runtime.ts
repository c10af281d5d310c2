import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import {
  consoleActions,
  createConsoleStore,
  type ConsoleState,
  type ConsoleActions,
  type ConsoleStore,
} from './console-store.ts';
import { LiveBuffers } from './live-buffers.ts';

/** Everything the console shares: the slow store, its actions, and the live buffers. */
export interface ConsoleRuntime {
  store: ConsoleStore;
  actions: ConsoleActions;
  live: LiveBuffers;
  /**
   * Publish-to-screen latencies (ms) of the sensor updates drawn, for the benchmark: a ring
   * buffer. Entries before `latencyCount` are ages at the moment the frame that drew them was
   * on screen; entries up to `latencyPending` still hold reading timestamps, drawn but not yet
   * presented.
   */
  latencies: Float64Array;
  latencyCount: number;
  latencyPending: number;
  /** Asks the canvas for a new frame (it renders on demand, not continuously). */
  invalidate: () => void;
}

export function createRuntime(): ConsoleRuntime {
  const store = createConsoleStore();
  return {
    store,
    actions: consoleActions(store),
    live: new LiveBuffers(0),
    latencies: new Float64Array(1 << 16),
    latencyCount: 0,
    latencyPending: 0,
    invalidate: () => {},
  };
}

export const RuntimeContext = createContext<ConsoleRuntime | undefined>(undefined);

export function useRuntime(): ConsoleRuntime {
  const runtime = useContext(RuntimeContext);
  if (!runtime) throw new Error('useRuntime outside <RuntimeContext.Provider>');
  return runtime;
}

/** Subscribes a component to one slice of the console store. */
export function useConsole<T>(select: (state: ConsoleState) => T): T {
  return useStore(useRuntime().store, select);
}
