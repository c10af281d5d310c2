import { useSession } from '../auth/use-session.ts';
import type { AlertSession } from './alert-store.ts';

/** Who is signed in to the console; a guest of an open console is a viewer. */
export function useSignedIn(): AlertSession {
  const user = useSession((s) => s.user);
  const guest = useSession((s) => s.status === 'guest');
  if (user) return { token: user.token, name: user.name, role: user.role };
  return guest ? GUEST : NOBODY;
}

const GUEST: AlertSession = { name: 'guest', role: 'viewer' };
const NOBODY: AlertSession = {};
