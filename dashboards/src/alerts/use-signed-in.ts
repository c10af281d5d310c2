import type { AlertSession } from './alert-store.ts';

/** Who is signed in to the console; nobody (a guest viewer) until sign-in is wired in. */
export function useSignedIn(): AlertSession {
  return NOBODY;
}

const NOBODY: AlertSession = {};
