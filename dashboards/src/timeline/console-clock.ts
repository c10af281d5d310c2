import { useStore } from 'zustand';
import { clockActions, createClockStore, type ClockState } from './clock.ts';

/** The one clock of the console page: the scene, charts and alerts all read it. */
export const consoleClock = createClockStore();
export const clock = clockActions(consoleClock);

export function useClock<T>(select: (state: ClockState) => T): T {
  return useStore(consoleClock, select);
}
