import { useEffect } from 'react';
import { AuthGate } from '../auth/AuthGate.tsx';
import { AlertDetail } from '../alerts/AlertDetail.tsx';
import { AlertList } from '../alerts/AlertList.tsx';
import { AlertsLive } from '../alerts/AlertsLive.tsx';
import { EvaluationPanel } from '../alerts/EvaluationPanel.tsx';
import { SecurityPanel } from '../security/SecurityPanel.tsx';
import { connectConsole } from '../live/connection.ts';
import { useConsole, useRuntime } from '../live/runtime.ts';
import { CityCanvas } from '../scene/CityCanvas.tsx';
import { LayerPanel } from './LayerPanel.tsx';
import { Legend } from './Legend.tsx';
import { RegionPanel } from './RegionPanel.tsx';
import { SensorPanel } from './SensorPanel.tsx';
import { SensorSearch } from './SensorSearch.tsx';
import { TopBar } from './TopBar.tsx';
import { useKeyboard } from './use-keyboard.ts';
import { Timeline } from '../timeline/Timeline.tsx';

/** The city-brain console, behind the login screen when the gateway requires signing in. */
export function App() {
  return <AuthGate>{(sessionKey) => <CityConsole key={sessionKey} />}</AuthGate>;
}

function CityConsole() {
  const runtime = useRuntime();
  const { store, live } = runtime;
  const city = useConsole((s) => s.city);
  const sensors = useConsole((s) => s.sensors);
  const loadError = useConsole((s) => s.loadError);
  useKeyboard();

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    connectConsole(store, live, () => runtime.invalidate()).then(
      (s) => (cancelled ? s() : (stop = s)),
      (error: Error) => store.setState({ loadError: error.message }),
    );
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [store, live, runtime]);

  return (
    <div className="console" data-ready={city && sensors ? 'true' : 'false'}>
      <AlertsLive />
      <TopBar />
      <LayerPanel />
      <main className="stage" aria-label="City">
        {city && sensors ? (
          <CityCanvas city={city} sensors={sensors} />
        ) : (
          <div className="loading">
            {loadError ? `Cannot load the city: ${loadError}` : 'Loading the city…'}
          </div>
        )}
        <SensorSearch />
        <Legend />
        <AlertList />
        <EvaluationPanel />
        <SecurityPanel />
        {city && sensors && <Timeline />}
      </main>
      <aside className="panel right" aria-label="Details">
        <AlertDetail />
        <SensorPanel />
        {city && <RegionPanel />}
      </aside>
    </div>
  );
}
