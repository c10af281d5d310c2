import { useState, type FormEvent } from 'react';
import { continueAsGuest, signIn } from './session.ts';
import { useSession } from './use-session.ts';

/** The sign-in form, with why it shows (an expired session) and what went wrong. */
export function LoginScreen() {
  const message = useSession((s) => s.message);
  const guestsAllowed = useSession((s) => s.guestsAllowed);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const refusal = await signIn(name.trim(), password);
    setBusy(false);
    if (refusal) {
      setProblem(refusal);
      setPassword('');
    }
  };

  return (
    <div className="login-screen">
      <form className="login-card" onSubmit={(e) => void submit(e)} data-testid="login-form">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>
            sensegrid <em>city brain</em>
          </span>
        </div>
        {message && (
          <p className="login-message" role="status" data-testid="login-message">
            {message}
          </p>
        )}
        <label>
          User name
          <input
            name="username"
            autoComplete="username"
            autoFocus
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {problem && (
          <p className="login-problem" role="alert" data-testid="login-problem">
            {problem}
          </p>
        )}
        <button type="submit" className="login-submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {guestsAllowed && (
          <button type="button" className="login-guest" onClick={continueAsGuest}>
            Continue as guest (view only)
          </button>
        )}
        <p className="muted small">
          No account? An admin creates one with <code>sensegrid users add</code>.
        </p>
      </form>
    </div>
  );
}
