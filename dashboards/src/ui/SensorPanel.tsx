import { useEffect, useState } from 'react';
import { METRICS, SENSOR_STATUSES } from '@sensegrid/twin';
import { api, type SensorDetail } from '../api.ts';
import { useConsole, useRuntime } from '../live/runtime.ts';
import { HistoryChart } from './HistoryChart.tsx';

/** The picked sensor: live values, status, placement in every grid system, and history. */
export function SensorPanel() {
  const { actions, live } = useRuntime();
  const picked = useConsole((s) => s.picked);
  useConsole((s) => s.pickedVersion); // re-render when the picked sensor's values change
  const table = useConsole((s) => s.sensors);
  const [detail, setDetail] = useState<SensorDetail>();
  const [metric, setMetric] = useState<string>();
  const id = picked !== undefined ? table?.id[picked] : undefined;

  useEffect(() => {
    setDetail(undefined);
    if (!id) return;
    let alive = true;
    api.sensor(id).then(
      (d) => {
        if (!alive) return;
        setDetail(d);
        setMetric(Object.keys(d.units)[0]);
      },
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [id]);

  if (picked === undefined || !id || !table) return null;
  const status = SENSOR_STATUSES[live.status[picked] ?? 0] ?? 'unknown';
  const ts = live.ts[picked];
  const layerMetrics = METRICS.filter((m) => m.layer === table.layer[picked]);
  return (
    <section className="card sensor" aria-label="Sensor" data-testid="sensor-panel">
      <header>
        <div>
          <small>
            {detail?.layerName ?? table.layer[picked]} · {table.kind[picked]}
          </small>
          <h2 data-testid="sensor-id">{id}</h2>
        </div>
        <span className={`status ${status}`} data-testid="sensor-status">
          {status}
        </span>
        <button
          type="button"
          className="close"
          aria-label="Close sensor"
          onClick={() => actions.pick(undefined)}
        >
          ×
        </button>
      </header>
      <dl className="values">
        {layerMetrics.map((m) => {
          const v = live.values[picked * live.metricCount + m.index];
          return (
            <div
              key={m.name}
              className={metric === m.name ? 'selected' : ''}
              onClick={() => setMetric(m.name)}
            >
              <dt>{m.name}</dt>
              <dd>
                <strong data-testid={`sensor-value-${m.name}`}>
                  {v === undefined || Number.isNaN(v) ? '—' : formatValue(v)}
                </strong>{' '}
                <span className="muted">{m.unit}</span>
              </dd>
            </div>
          );
        })}
      </dl>
      <p className="muted small">
        {ts !== undefined && !Number.isNaN(ts)
          ? `last reading ${new Date(ts).toLocaleTimeString()}`
          : 'no reading yet'}
        {detail?.building ? ` · in ${detail.building}` : ''}
      </p>
      {detail && (
        <table className="placement">
          <tbody>
            {detail.path.length > 0 && (
              <tr>
                <th>Administrative</th>
                <td>
                  {detail.path
                    .slice(1)
                    .map((p) => p.name)
                    .join(' › ')}
                </td>
              </tr>
            )}
            {detail.systems.map((s) => (
              <tr key={s.system}>
                <th>{s.systemName}</th>
                <td>{s.regionName ?? <span className="muted">outside</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {metric && <HistoryChart device={id} metric={metric} unit={detail?.units[metric] ?? ''} />}
    </section>
  );
}

function formatValue(v: number): string {
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : v.toFixed(2);
}
