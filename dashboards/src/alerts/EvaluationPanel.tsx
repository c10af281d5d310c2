import { useEffect, useState } from 'react';
import type { EvaluationGroup } from './alert-types.ts';
import { useAlerts, useAlertsRuntime } from './alerts-runtime.ts';
import { formatDuration, formatShare } from './format.ts';

const REFRESH_MS = 10_000;
const DAY_MS = 86_400_000;

/** The periods the evaluation can cover, as how far back they reach (ms). */
const PERIODS = [
  { id: 'all', label: 'all time', backMs: undefined },
  { id: '7d', label: '7 days', backMs: 7 * DAY_MS },
  { id: '24h', label: '24 h', backMs: DAY_MS },
] as const;
type PeriodId = (typeof PERIODS)[number]['id'];

/** How each department handles its incidents: counts, median times, SLA, rating, false alarms. */
export function EvaluationPanel() {
  const { store, api } = useAlertsRuntime();
  const open = useAlerts((s) => s.evaluationOpen);
  const actionVersion = useAlerts((s) => s.actionVersion);
  const token = useAlerts((s) => s.session.token);
  const [groups, setGroups] = useState<EvaluationGroup[]>();
  const [error, setError] = useState<string>();
  const [period, setPeriod] = useState<PeriodId>('all');

  useEffect(() => {
    if (!open) return;
    let alive = true;
    const backMs = PERIODS.find((p) => p.id === period)?.backMs;
    const load = () =>
      api.evaluation(backMs === undefined ? undefined : Date.now() - backMs).then(
        (g) => {
          if (!alive) return;
          setGroups(g);
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
  }, [api, open, actionVersion, token, period]);

  if (!open) return null;
  return (
    <section className="card evaluation" aria-label="Evaluation" data-testid="evaluation-panel">
      <header>
        <div>
          <small>closed loop</small>
          <h2>Evaluation by department</h2>
        </div>
        <button
          type="button"
          className="close"
          aria-label="Close the evaluation"
          title="Close (e)"
          onClick={() => store.setState({ evaluationOpen: false })}
        >
          ×
        </button>
      </header>
      <div className="segmented small" role="radiogroup" aria-label="Period">
        {PERIODS.map((p) => (
          <button
            key={p.id}
            type="button"
            role="radio"
            aria-checked={period === p.id}
            onClick={() => setPeriod(p.id)}
          >
            {p.label}
          </button>
        ))}
      </div>
      {error && (
        <p className="alert-error" role="alert">
          {error}
        </p>
      )}
      {!groups ? (
        <p className="muted">Loading…</p>
      ) : groups.length === 0 ? (
        <p className="muted">No incidents yet.</p>
      ) : (
        <div className="evaluation-scroll">
          <table className="stats">
            <thead>
              <tr>
                <th>department</th>
                <th title="incidents">alerts</th>
                <th>resolved</th>
                <th title="median time to dispatch">dispatch</th>
                <th title="median time to accept">accept</th>
                <th title="median time to resolve">resolve</th>
                <th title="share resolved within the SLA">SLA</th>
                <th title="mean rating (number of ratings)">rating</th>
                <th title="share cancelled as false alarms">false</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.department} data-testid={`evaluation-row-${g.department}`}>
                  <th scope="row">{g.department}</th>
                  <td data-testid="evaluation-alerts">{g.alerts}</td>
                  <td data-testid="evaluation-resolved">{g.resolved}</td>
                  <td>{formatDuration(g.medianDispatchMs)}</td>
                  <td>{formatDuration(g.medianAcceptMs)}</td>
                  <td>{formatDuration(g.medianResolveMs)}</td>
                  <td data-testid="evaluation-sla">{formatShare(g.slaCompliance)}</td>
                  <td data-testid="evaluation-rating">
                    {g.ratingMean === null || g.ratingMean === undefined
                      ? '–'
                      : `${g.ratingMean.toFixed(1)} (${g.ratings})`}
                  </td>
                  <td>{formatShare(g.falseAlarmRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
