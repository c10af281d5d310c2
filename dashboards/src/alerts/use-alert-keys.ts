import { useEffect } from 'react';
import { useAlertsRuntime } from './alerts-runtime.ts';

/**
 * `a` shows or hides the alert list (and moves the focus into it), `e` the evaluation panel;
 * `Esc` closes the evaluation, then the open alert, before it goes up a level in the map.
 * Not while typing.
 */
export function useAlertKeys(): void {
  const { store } = useAlertsRuntime();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      const s = store.getState();
      if (e.key === 'a') {
        store.setState({ listOpen: !s.listOpen });
        // Opened from the keyboard: go on with the keyboard, from the open (or first) row.
        if (!s.listOpen) requestAnimationFrame(focusFirstRow);
      } else if (e.key === 'e') store.setState({ evaluationOpen: !s.evaluationOpen });
      else if (e.key === 'Escape' && (s.evaluationOpen || s.selectedId)) {
        // Captured ahead of the map's own Escape, which would otherwise leave the place too.
        e.stopImmediatePropagation();
        if (s.evaluationOpen) store.setState({ evaluationOpen: false });
        else store.setState({ selectedId: undefined });
      }
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [store]);
}

function focusFirstRow() {
  document.querySelector<HTMLElement>('.alert-row.selected, .alert-row')?.focus();
}
