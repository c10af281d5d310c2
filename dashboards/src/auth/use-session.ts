import { useStore } from 'zustand';
import { sessionStore, type SessionState } from './session.ts';

/** Subscribes a component to one slice of the session. */
export function useSession<T>(select: (state: SessionState) => T): T {
  return useStore(sessionStore, select);
}
