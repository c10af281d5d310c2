import { createStore } from 'zustand/vanilla';

export type Role = 'viewer' | 'operator' | 'dispatcher' | 'admin';

/** Who is signed in: what `POST /api/login` answered. */
export interface SignedInUser {
  token: string;
  name: string;
  role: Role;
  /** Epoch ms. */
  expiresAt: number;
}

export interface SessionState {
  /**
   * `checking`: asking the gateway; `signed-in`; `guest`: viewing an open console without
   * signing in; `signed-out`: the login screen shows.
   */
  status: 'checking' | 'signed-in' | 'guest' | 'signed-out';
  user?: SignedInUser;
  /** The gateway lets guests view (`--open-console`). */
  guestsAllowed: boolean;
  /** Why the login screen shows (an expired session, a refused sign-in). */
  message?: string;
}

const STORAGE_KEY = 'sensegrid.session';

/** The console's session, outside React so that fetches and the MQTT connection can read it. */
export const sessionStore = createStore<SessionState>(() => ({
  status: 'checking',
  guestsAllowed: false,
}));

let expiryTimer: ReturnType<typeof setTimeout> | undefined;

/** `Authorization` for a fetch, when signed in. */
export function authHeaders(): Record<string, string> {
  const user = sessionStore.getState().user;
  return user ? { authorization: `Bearer ${user.token}` } : {};
}

/**
 * `fetch` signed as the current user; a 401 ends the session (the login screen says why).
 */
export async function fetchSigned(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(authHeaders())) headers.set(name, value);
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401) sessionRefused();
  return response;
}

/** MQTT credentials of the console: username = the user's name, password = the token. */
export function mqttCredentials(): { username?: string; password?: string } {
  const user = sessionStore.getState().user;
  return user ? { username: user.name, password: user.token } : {};
}

/** Reads the kept token and asks the gateway whether it still holds and whether guests may view. */
export async function restoreSession(): Promise<void> {
  const kept = readKept();
  const response = await fetch('/api/session', {
    headers: kept ? { authorization: `Bearer ${kept.token}` } : {},
  });
  if (!response.ok) throw new Error(`/api/session: HTTP ${response.status}`);
  const session = (await response.json()) as {
    openConsole: boolean;
    operator: { name: string; role: Role; expiresAt: number } | null;
    problem?: string;
  };
  const guestsAllowed = session.openConsole;
  if (kept && session.operator) {
    signedIn({ ...kept, role: session.operator.role }, guestsAllowed);
    return;
  }
  if (kept) forget();
  const message = kept ? expiredMessage(kept.expiresAt) : undefined;
  sessionStore.setState({
    status: guestsAllowed ? 'guest' : 'signed-out',
    user: undefined,
    guestsAllowed,
    message,
  });
}

/** Signs in; resolves with the refusal's message, or undefined when signed in. */
export async function signIn(name: string, password: string): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    });
  } catch {
    return 'The gateway did not answer. Check that it is running and try again.';
  }
  const body = (await response.json().catch(() => ({}))) as Partial<SignedInUser> & {
    message?: string;
  };
  if (!response.ok || !body.token)
    return body.message ?? `Sign-in failed (HTTP ${response.status}).`;
  const user = body as SignedInUser;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(user));
  signedIn(user, sessionStore.getState().guestsAllowed);
  return undefined;
}

/** Signs out (the gateway forgets the token) and shows the login screen, or the guest view. */
export function signOut(message?: string): void {
  const headers = authHeaders();
  if (headers.authorization) void fetch('/api/logout', { method: 'POST', headers }).catch(() => {});
  forget();
  const { guestsAllowed } = sessionStore.getState();
  sessionStore.setState({
    status: guestsAllowed && !message ? 'guest' : 'signed-out',
    user: undefined,
    message,
  });
}

/** The gateway refused the token (HTTP 401, or MQTT CONNACK 5): the session is over. */
export function sessionRefused(): void {
  const { user, status } = sessionStore.getState();
  if (user) signOut(expiredMessage(user.expiresAt));
  // A guest refused: the gateway no longer lets guests view (it restarted without
  // --open-console). Stop retrying, which would count as failed logins, and ask to sign in.
  else if (status === 'guest') {
    sessionStore.setState({
      status: 'signed-out',
      guestsAllowed: false,
      message: 'The gateway now requires signing in.',
    });
  }
}

/** Shows the login screen from the guest view. */
export function showLogin(): void {
  sessionStore.setState({ status: 'signed-out', message: undefined });
}

/** Back to the guest view from the login screen (open consoles only). */
export function continueAsGuest(): void {
  if (sessionStore.getState().guestsAllowed) {
    sessionStore.setState({ status: 'guest', message: undefined });
  }
}

function signedIn(user: SignedInUser, guestsAllowed: boolean): void {
  clearTimeout(expiryTimer);
  const arm = () => {
    // setTimeout takes at most 2^31-1 ms; a token living longer is looked at again then.
    const waitMs = Math.min(Math.max(0, user.expiresAt - Date.now()), 2 ** 31 - 1);
    expiryTimer = setTimeout(
      () => (user.expiresAt > Date.now() ? arm() : signOut(expiredMessage(user.expiresAt))),
      waitMs,
    );
  };
  arm();
  sessionStore.setState({ status: 'signed-in', user, guestsAllowed, message: undefined });
}

function forget(): void {
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(STORAGE_KEY);
}

function readKept(): SignedInUser | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as SignedInUser | null;
    return value && typeof value.token === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function expiredMessage(expiresAt: number): string {
  const at = new Date(expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return expiresAt <= Date.now()
    ? `Your session expired at ${at}. Sign in again.`
    : 'Your session ended (signed out elsewhere, or the password changed). Sign in again.';
}
