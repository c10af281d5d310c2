import { useConsole, useRuntime } from '../live/runtime.ts';
import { AlertsTopBarButtons } from '../alerts/AlertsTopBarButtons.tsx';
import { UserBadge } from '../auth/UserBadge.tsx';
import { SecurityButton } from '../security/SecurityButton.tsx';

/** Brand, breadcrumb and live counters. */
export function TopBar() {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>
          sensegrid <em>city brain</em>
        </span>
      </div>
      <Breadcrumb />
      <AlertsTopBarButtons />
      <SecurityButton />
      <Counters />
      <UserBadge />
    </header>
  );
}

function Breadcrumb() {
  const { actions } = useRuntime();
  const city = useConsole((s) => s.city);
  const focus = useConsole((s) => s.focus);
  const mode = useConsole((s) => s.mode);
  const selected = useConsole((s) => s.selectedRegion);
  if (!city) return <nav className="breadcrumb" data-testid="breadcrumb" />;
  const crumbs: { id: string; name: string; onClick?: () => void }[] = [];
  if (mode === 'hierarchy') {
    const byId = new Map(city.regions.map((r) => [r.id, r]));
    const b = city.buildings.id.indexOf(focus);
    let node = b >= 0 ? city.regions[city.buildings.grid[b]!] : byId.get(focus);
    const chain = [];
    while (node) {
      chain.unshift(node);
      node = node.parent ? byId.get(node.parent) : undefined;
    }
    for (const n of chain)
      crumbs.push({ id: n.id, name: n.name, onClick: () => actions.drill(n.id) });
    if (b >= 0) crumbs.push({ id: focus, name: `Building ${focus.split('-').pop()}` });
  } else {
    const system = city.systems.find((s) => s.id === mode);
    crumbs.push({
      id: mode,
      name: system?.name ?? mode,
      onClick: () => actions.selectRegion(undefined),
    });
    const region = city.regions.find((r) => r.id === selected);
    if (region) crumbs.push({ id: region.id, name: region.name });
  }
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb" data-testid="breadcrumb">
      {crumbs.map((c, i) => (
        <span key={c.id} className="crumb">
          {i > 0 && <span className="sep">›</span>}
          {c.onClick && i < crumbs.length - 1 ? (
            <button type="button" onClick={c.onClick}>
              {c.name}
            </button>
          ) : (
            <strong aria-current="location">{c.name}</strong>
          )}
        </span>
      ))}
    </nav>
  );
}

function Counters() {
  const counters = useConsole((s) => s.counters);
  const connection = useConsole((s) => s.connection);
  const fmt = new Intl.NumberFormat('en');
  return (
    <div className="counters" aria-live="off">
      <Counter
        label="readings/s"
        value={fmt.format(Math.round(counters.readingsPerSec))}
        testId="readings-per-sec"
      />
      <Counter
        label="online"
        value={`${fmt.format(counters.devicesOnline)} / ${fmt.format(counters.devicesTotal)}`}
        testId="devices-online"
      />
      <Counter
        label="frame latency"
        value={`${Math.round(counters.frameLatencyMs)} ms`}
        testId="frame-latency"
      />
      <span
        className={`link ${connection}`}
        title={`live feed: ${connection}`}
        data-testid="connection"
      >
        {connection}
      </span>
    </div>
  );
}

function Counter({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <span className="counter">
      <strong data-testid={testId}>{value}</strong>
      <small>{label}</small>
    </span>
  );
}
