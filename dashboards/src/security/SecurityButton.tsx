import { useStore } from 'zustand';
import { sessionStore } from '../auth/session.ts';
import { toggleSecurity, useSecurityOpen } from './security-view.ts';

/** The top-bar toggle of the security view, for operators and up (the data is theirs). */
export function SecurityButton() {
  const open = useSecurityOpen();
  const role = useStore(sessionStore, (s) => s.user?.role);
  if (role !== 'operator' && role !== 'dispatcher' && role !== 'admin') return null;
  return (
    <button
      type="button"
      className="security-toggle"
      aria-pressed={open}
      title="Network security: devices and addresses that misbehave"
      data-testid="toggle-security"
      onClick={toggleSecurity}
    >
      Security
    </button>
  );
}
