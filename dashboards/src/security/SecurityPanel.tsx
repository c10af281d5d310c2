import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { fetchSigned, sessionStore } from '../auth/session.ts';
import { createSecurityApi, type SecurityBan, type SecuritySubject } from './security-api.ts';
import { securityView, useSecurityOpen } from './security-view.ts';
import { SubjectRow } from './SubjectRow.tsx';
import { useSecurityReport } from './use-security-report.ts';
import './security.css';

/** The network-security view: devices and addresses that misbehave now or did recently, and how. */
export function SecurityPanel() {
  const open = useSecurityOpen();
  const api = useMemo(() => createSecurityApi(fetchSigned), []);
  const { report, error, refresh } = useSecurityReport(api, open);
  const isAdmin = useStore(sessionStore, (s) => s.user?.role === 'admin');
  const [liftError, setLiftError] = useState<string>();

  if (!open) return null;
  const lift = (ban: SecurityBan) => () =>
    api.liftBan(ban).then(
      () => {
        setLiftError(undefined);
        refresh();
      },
      (e: Error) => setLiftError(e.message),
    );
  const section = (title: string, subjects: SecuritySubject[], testId: string) => (
    <section aria-label={title} data-testid={testId}>
      <h3>
        {title} <small className="muted">{subjects.length}</small>
      </h3>
      {subjects.length === 0 ? (
        <p className="muted small">None misbehaves.</p>
      ) : (
        <ul className="security-rows">
          {subjects.map((subject) => (
            <SubjectRow
              key={subject.id}
              subject={subject}
              nowMs={report!.nowMs}
              onLiftBan={isAdmin && subject.ban ? lift(subject.ban) : undefined}
            />
          ))}
        </ul>
      )}
    </section>
  );

  return (
    <section
      className="card security-panel"
      aria-label="Network security"
      data-testid="security-panel"
    >
      <header>
        <div>
          <small>network security</small>
          <h2>Misbehaving devices and addresses</h2>
        </div>
        <button
          type="button"
          className="close"
          aria-label="Close the security view"
          onClick={() => securityView.setState({ open: false })}
        >
          ×
        </button>
      </header>
      {(error ?? liftError) && (
        <p className="security-error" role="alert">
          {error ?? liftError}
        </p>
      )}
      {!report ? (
        !error && <p className="muted">Loading…</p>
      ) : (
        <div className="security-body">
          {section('Devices', report.devices, 'security-devices')}
          {section('Addresses', report.addresses, 'security-addresses')}
          <BanList bans={report.bans} nowMs={report.nowMs} onLift={isAdmin ? lift : undefined} />
        </div>
      )}
    </section>
  );
}

interface BanListProps {
  bans: SecurityBan[];
  nowMs: number;
  onLift?: (ban: SecurityBan) => () => void;
}

/** Client ids and addresses the connection guard refuses for now. */
function BanList({ bans, nowMs, onLift }: BanListProps) {
  return (
    <section aria-label="Bans" data-testid="security-bans">
      <h3>
        Bans <small className="muted">{bans.length}</small>
      </h3>
      {bans.length === 0 ? (
        <p className="muted small">Nobody is banned.</p>
      ) : (
        <ul className="security-rows">
          {bans.map((ban) => (
            <li key={ban.key} className="security-row ban" data-testid="ban-row">
              <div className="security-head">
                <strong className="security-id">{ban.id}</strong>
                <span className="muted small">
                  {ban.type}, {Math.max(0, Math.round((ban.until - nowMs) / 1000))} s left
                </span>
              </div>
              <p className="security-why">{ban.reason}</p>
              {onLift && (
                <button type="button" onClick={onLift(ban)} data-testid="lift-ban">
                  Lift ban
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
