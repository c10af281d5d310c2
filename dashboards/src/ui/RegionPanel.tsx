import { useMemo } from 'react';
import type { RollupCounts } from '@sensegrid/twin';
import { useConsole, useRuntime } from '../live/runtime.ts';
import { AlertBadges } from './AlertBadges.tsx';
import { useRegionDetail } from './use-region-detail.ts';
import { useClock } from '../timeline/console-clock.ts';

const fmt = (v: number) =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);

/** The rollup of the region in focus, and the regions below it to drill into. */
export function RegionPanel() {
  const { actions } = useRuntime();
  const mode = useConsole((s) => s.mode);
  const focus = useConsole((s) => s.focus);
  const selected = useConsole((s) => s.selectedRegion);
  const focusLayer = useConsole((s) => s.focusLayer);
  const focusName = useConsole(
    (s) => s.layers.find((l) => l.id === s.focusLayer)?.name ?? s.focusLayer,
  );
  const id = mode === 'hierarchy' ? focus : (selected ?? 'city');
  const detail = useRegionDetail(id);
  const clockLive = useClock((s) => s.live);
  const shownAt = useClock((s) => Math.floor(s.t / 60_000) * 60_000);
  if (!detail) return <section className="card region" aria-busy="true" />;
  const layer = detail.layers.find((l) => l.layer === focusLayer);
  const title = mode !== 'hierarchy' && !selected ? 'Whole city' : detail.name;
  return (
    <section className="card region" aria-label="Region">
      <header>
        <div>
          <small>{detail.level ?? detail.system ?? ''}</small>
          <h2 data-testid="region-name">{title}</h2>
        </div>
        <AlertBadges alerts={detail.total.alerts} showZero />
      </header>
      <Totals counts={detail.total} />
      <h3>
        {focusName}{' '}
        <span className="muted" data-testid="rollup-window">
          ·{' '}
          {clockLive
            ? 'last 5 min'
            : `the minute to ${new Date(shownAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`}
        </span>
      </h3>
      {layer && layer.metrics.length > 0 ? (
        <table className="stats">
          <thead>
            <tr>
              <th>metric</th>
              <th>mean</th>
              <th>min</th>
              <th>max</th>
              <th>p95</th>
              <th>n</th>
            </tr>
          </thead>
          <tbody>
            {layer.metrics.map((m) => (
              <tr key={m.metric}>
                <td>
                  {m.metric} <span className="muted">{m.unit}</span>
                </td>
                <td data-testid={`rollup-mean-${m.metric}`}>{fmt(m.mean)}</td>
                <td>{fmt(m.min)}</td>
                <td>{fmt(m.max)}</td>
                <td>{fmt(m.p95)}</td>
                <td>{m.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No {focusName.toLowerCase()} readings here in the window.</p>
      )}
      {mode === 'hierarchy' ? (
        <RegionList
          title={
            detail.children.length > 0
              ? `${detail.children[0]!.level}s`
              : detail.buildings.length > 0
                ? `${detail.buildings.length} buildings`
                : ''
          }
          items={detail.children}
          onPick={(child) => actions.drill(child)}
        />
      ) : (
        <SystemRegions system={mode} />
      )}
    </section>
  );
}

function Totals({ counts }: { counts: RollupCounts }) {
  const share = counts.sensors > 0 ? counts.online / counts.sensors : 0;
  return (
    <div className="totals">
      <span>
        <strong data-testid="region-sensors">{counts.sensors}</strong> sensors
      </span>
      <span className="ok">
        <strong data-testid="region-online">{counts.online}</strong> online
      </span>
      <span className="warn">
        <strong>{counts.stale}</strong> stale
      </span>
      <span className="bad">
        <strong>{counts.offline}</strong> offline
      </span>
      <div className="bar" aria-hidden="true">
        <i style={{ width: `${share * 100}%` }} />
      </div>
    </div>
  );
}

interface ListItem extends RollupCounts {
  id: string;
  name: string;
}

function RegionList({
  title,
  items,
  onPick,
}: {
  title: string;
  items: ListItem[];
  onPick: (id: string) => void;
}) {
  if (items.length === 0) return title ? <h3>{title}</h3> : null;
  return (
    <>
      <h3>{title}</h3>
      <ul className="region-list" data-testid="region-list">
        {items.map((item) => (
          <li key={item.id}>
            <button type="button" onClick={() => onPick(item.id)}>
              <span className="name">{item.name}</span>
              <AlertBadges alerts={item.alerts} />
              <span className="online">
                {item.online}/{item.sensors}
              </span>
              <span className="bar" aria-hidden="true">
                <i style={{ width: `${item.sensors ? (item.online / item.sensors) * 100 : 0}%` }} />
              </span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

/** A grid system's regions with counts summed over layers from the live rollups. */
function SystemRegions({ system }: { system: string }) {
  const { live, actions } = useRuntime();
  const city = useConsole((s) => s.city);
  const version = useConsole((s) => s.rollupVersion);
  const items = useMemo(() => {
    void version;
    return (city?.regions ?? [])
      .filter((r) => r.system === system && (system !== 'operations' || r.level === 'grid'))
      .map((r) => {
        const sum: ListItem = {
          id: r.id,
          name: r.name,
          sensors: 0,
          online: 0,
          stale: 0,
          offline: 0,
          alerts: [0, 0, 0, 0],
        };
        for (const u of live.rollups.get(r.index)?.values() ?? []) {
          sum.sensors += u.sensors;
          sum.online += u.online;
          sum.stale += u.stale;
          sum.offline += u.offline;
          u.alerts.forEach((n, k) => (sum.alerts[k]! += n));
        }
        return sum;
      });
  }, [city, system, live, version]);
  return (
    <RegionList
      title={`${items.length} regions`}
      items={items}
      onPick={(id) => actions.selectRegion(id)}
    />
  );
}
