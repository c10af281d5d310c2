import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

/** Whether the security view is open; outside React so the top bar and the stage share it. */
export const securityView = createStore<{ open: boolean }>(() => ({ open: false }));

export function useSecurityOpen(): boolean {
  return useStore(securityView, (s) => s.open);
}

export function toggleSecurity(): void {
  securityView.setState((s) => ({ open: !s.open }));
}
