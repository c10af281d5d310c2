import { useEffect, useState, type ReactNode } from 'react';
import { LoginScreen } from './LoginScreen.tsx';
import { restoreSession } from './session.ts';
import { useSession } from './use-session.ts';
import './auth.css';

export interface AuthGateProps {
  /** The console, rendered anew for each user (`key`), so its live connection signs in as them. */
  children: (sessionKey: string) => ReactNode;
}

/** Shows the login screen when the gateway requires signing in, the console otherwise. */
export function AuthGate({ children }: AuthGateProps) {
  const status = useSession((s) => s.status);
  const token = useSession((s) => s.user?.token);
  const [problem, setProblem] = useState<string | undefined>();

  useEffect(() => {
    restoreSession().catch((error: Error) => setProblem(error.message));
  }, []);

  if (problem) return <div className="loading">Cannot reach the gateway: {problem}</div>;
  if (status === 'checking') return <div className="loading">Checking sign-in…</div>;
  if (status === 'signed-out') return <LoginScreen />;
  return children(token ?? 'guest');
}
