import { showLogin, signOut } from './session.ts';
import { useSession } from './use-session.ts';

/** The signed-in user and role in the top bar, with sign-out (or sign-in for a guest). */
export function UserBadge() {
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  if (status === 'guest') {
    return (
      <div className="user-badge" data-testid="user-badge">
        <span className="user-name">guest</span>
        <span className="user-role">viewer</span>
        <BadgeButton initial="?" label="Sign in" title="guest (viewer)" onClick={showLogin} />
      </div>
    );
  }
  if (!user) return null;
  return (
    <div className="user-badge" data-testid="user-badge">
      <span className="user-name" data-testid="user-name">
        {user.name}
      </span>
      <span className={`user-role role-${user.role}`} data-testid="user-role">
        {user.role}
      </span>
      <BadgeButton
        initial={user.name.slice(0, 1).toUpperCase()}
        label="Sign out"
        title={`${user.name} (${user.role})`}
        onClick={() => signOut()}
      />
    </div>
  );
}

interface BadgeButtonProps {
  initial: string;
  label: string;
  title: string;
  onClick: () => void;
}

/** Its label, or in a narrow top bar the user's initial (the tooltip names them). */
function BadgeButton({ initial, label, title, onClick }: BadgeButtonProps) {
  const testId = label === 'Sign in' ? 'sign-in' : 'sign-out';
  return (
    <button type="button" onClick={onClick} title={title} aria-label={label} data-testid={testId}>
      <span className="user-initial" aria-hidden="true">
        {initial}
      </span>
      <span className="user-action">{label}</span>
    </button>
  );
}
