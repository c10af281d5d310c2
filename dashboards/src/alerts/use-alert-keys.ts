import { useEffect } from 'react';
import { useAlertsRuntime } from './alerts-runtime.ts';

/** `a` shows or hides the alert list, `e` the evaluation panel (not while typing). */
export function useAlertKeys(): void {
  const { store } = useAlertsRuntime();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      const s = store.getState();
      if (e.key === 'a') store.setState({ listOpen: !s.listOpen });
      else if (e.key === 'e') store.setState({ evaluationOpen: !s.evaluationOpen });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
