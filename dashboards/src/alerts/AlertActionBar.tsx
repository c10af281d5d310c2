import { useState } from 'react';
import { offeredActions, type AlertAction } from './alert-actions.ts';
import type { AlertDetail } from './alert-types.ts';
import { AlertApiError, type ActionBody } from './alerts-api.ts';
import { useAlerts, useAlertsRuntime } from './alerts-runtime.ts';
import { RatingForm } from './RatingForm.tsx';

export interface AlertActionBarProps {
  detail: AlertDetail;
  /** Departments to dispatch to. */
  departments: readonly string[];
  onDone: (detail: AlertDetail) => void;
  /** Reloads the incident, when the gateway says its state is not what the console shows. */
  onStale: () => void;
  /** The last refusal, kept by the parent so it outlives a reload of the incident. */
  error?: ActionError;
  onError: (error: ActionError | undefined) => void;
}

export interface ActionError {
  code: string;
  message: string;
}

/**
 * The actions valid in the incident's state. Those the signed-in role may not take are
 * disabled with the reason as tooltip; a refusal from the gateway is shown as it says it.
 */
export function AlertActionBar(props: AlertActionBarProps) {
  const { detail, departments, onDone, onStale, error, onError: setError } = props;
  const { api } = useAlertsRuntime();
  const role = useAlerts((s) => s.session.role);
  const [note, setNote] = useState('');
  const [department, setDepartment] = useState(detail.department);
  const [busy, setBusy] = useState<AlertAction>();
  const [ratingOpen, setRatingOpen] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const offered = offeredActions(detail.state, role, detail.actions);
  if (offered.length === 0) return null;

  const run = async (action: AlertAction, body: ActionBody) => {
    setBusy(action);
    setError(undefined);
    try {
      const next = await api.act(detail.id, action, body);
      setNote('');
      setRatingOpen(false);
      setConfirmCancel(false);
      onDone(next);
    } catch (e) {
      const failure = e instanceof AlertApiError ? e : new AlertApiError(0, 'ERROR', String(e));
      setError({ code: failure.code, message: failure.message });
      // The incident moved on meanwhile (a missed live message): show where it is now.
      if (failure.status === 409) onStale();
    } finally {
      setBusy(undefined);
    }
  };
  const withNote = note.trim() ? { note: note.trim() } : {};
  const onAction = (action: AlertAction) => {
    if (action === 'evaluate') return setRatingOpen(true);
    if (action === 'cancel' && !confirmCancel) return setConfirmCancel(true);
    const to = department.trim();
    void run(action, action === 'dispatch' && to ? { ...withNote, department: to } : withNote);
  };
  const choices = [...new Set([detail.department, ...departments].filter(Boolean))].sort();

  return (
    <div className="alert-actions" data-testid="alert-actions">
      {offered.some((o) => o.action === 'dispatch' && o.allowed) && (
        <label className="field">
          <span>Department (routed: {detail.department || 'none'})</span>
          <input
            type="text"
            list="alert-departments"
            className="alert-note"
            spellCheck={false}
            data-testid="alert-dispatch-department"
            value={department}
            onChange={(e) => setDepartment(e.target.value)}
          />
          <datalist id="alert-departments">
            {choices.map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
        </label>
      )}
      {offered.some((o) => o.allowed && o.action !== 'evaluate') && (
        <input
          type="text"
          className="alert-note"
          aria-label="Note"
          placeholder="Note for the timeline (optional)"
          data-testid="alert-note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      )}
      <div className="alert-buttons">
        {offered.map((o) => (
          <span key={o.action} title={o.reason ?? ''}>
            <button
              type="button"
              className={`action ${o.action}`}
              disabled={!o.allowed || busy !== undefined}
              data-testid={`alert-action-${o.action}`}
              onClick={() => onAction(o.action)}
            >
              {busy === o.action
                ? '…'
                : o.action === 'cancel' && confirmCancel
                  ? 'Confirm false alarm'
                  : o.label}
            </button>
          </span>
        ))}
      </div>
      {ratingOpen && (
        <RatingForm
          busy={busy === 'evaluate'}
          onCancel={() => setRatingOpen(false)}
          onSubmit={(stars, comment) =>
            void run('evaluate', { rating: stars, ...(comment ? { comment } : {}) })
          }
        />
      )}
      {error && (
        <p className="alert-error" role="alert" data-testid="alert-action-error">
          {error.message} <small>{error.code}</small>
        </p>
      )}
    </div>
  );
}
