import type { SecurityDevice, SecuritySubject } from './security-api.ts';
import { ago, kindName, perSecond } from './format.ts';

export interface SubjectRowProps {
  subject: SecuritySubject | SecurityDevice;
  nowMs: number;
  /** Lifts the subject's ban; absent when the user may not. */
  onLiftBan?: () => void;
}

/** One device or address: how it misbehaves, when, and its traffic next to its usual. */
export function SubjectRow({ subject, nowMs, onLiftBan }: SubjectRowProps) {
  const latest = subject.kinds[0];
  const device = 'addresses' in subject ? subject : undefined;
  return (
    <li
      className={`security-row${subject.now ? ' now' : ''}`}
      data-testid="security-row"
      data-subject={subject.id}
    >
      <div className="security-head">
        <span className="security-dot" aria-label={subject.now ? 'now' : 'recently'} />
        <strong className="security-id">{subject.id}</strong>
        <span className="muted small">{ago(subject.lastMs, nowMs)}</span>
      </div>
      <div className="security-kinds">
        {subject.kinds.map((k) => (
          <span
            key={k.kind}
            className={`security-kind${k.now ? ' now' : ''}`}
            title={k.explanation}
            data-kind={k.kind}
          >
            {kindName(k.kind)}
            {k.count > 1 && <small> ×{k.count}</small>}
          </span>
        ))}
      </div>
      {latest && <p className="security-why">{latest.explanation}</p>}
      {device?.rate && (device.rate.msgsPerSec > 0 || device.rate.usualMsgsPerSec > 0) && (
        <p className="security-rate small">
          <span>
            {perSecond(device.rate.msgsPerSec)} msg/s
            <span className="muted"> (usual {perSecond(device.rate.usualMsgsPerSec)})</span>
          </span>
          <span>
            {perSecond(device.rate.bytesPerSec / 1024)} KiB/s
            <span className="muted"> (usual {perSecond(device.rate.usualBytesPerSec / 1024)})</span>
          </span>
        </p>
      )}
      {device && device.addresses.length > 0 && (
        <p className="muted small">from {device.addresses.join(', ')}</p>
      )}
      {subject.ban && (
        <p className="security-ban small">
          banned for {Math.max(0, Math.round((subject.ban.until - nowMs) / 1000))} s:{' '}
          {subject.ban.reason}
          {onLiftBan && (
            <button type="button" onClick={onLiftBan} data-testid="lift-ban">
              Lift ban
            </button>
          )}
        </p>
      )}
    </li>
  );
}
