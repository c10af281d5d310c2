import { useCallback, useEffect, useState } from 'react';
import type { SecurityApi, SecurityReport } from './security-api.ts';

/** How often the open view asks the gateway again. */
export const REFRESH_MS = 3000;

export interface SecurityFeed {
  report?: SecurityReport;
  error?: string;
  /** Asks again now (after lifting a ban). */
  refresh(): void;
}

/** The security report, refreshed every few seconds while `open`. */
export function useSecurityReport(api: SecurityApi, open: boolean): SecurityFeed {
  const [report, setReport] = useState<SecurityReport>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    if (!open) return;
    let alive = true;
    const load = () =>
      api.report().then(
        (next) => {
          if (!alive) return;
          setReport(next);
          setError(undefined);
        },
        (e: Error) => alive && setError(e.message),
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [api, open, version]);

  return { report, error, refresh };
}
