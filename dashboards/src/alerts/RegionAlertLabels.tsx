import { useContext, useMemo } from 'react';
import { Html } from '@react-three/drei';
import type { RegionUpdate } from '@sensegrid/twin';
import type { CityRegion } from '../api.ts';
import { useConsole, useRuntime } from '../live/runtime.ts';
import { toScene } from '../scene/geometry.ts';
import { AlertBadges } from '../ui/AlertBadges.tsx';
import { AlertsContext } from './alerts-runtime.ts';
import { centreOf } from './region-centre.ts';

export interface RegionAlertLabelsProps {
  /** The regions on screen. */
  regions: readonly CityRegion[];
}

/** Height of the labels above the ground, in metres. */
const LABEL_HEIGHT_M = 60;

/**
 * Open alerts by severity over the centre of each region on screen that has any, from the
 * twin frames' rollups. Only regions with alerts get a label, and labels change only when
 * rollups do (at most twice a second), so they cost little next to the city itself.
 * A click on a label lists that region's alerts.
 */
export function RegionAlertLabels({ regions }: RegionAlertLabelsProps) {
  const { live } = useRuntime();
  const alerts = useContext(AlertsContext);
  const version = useConsole((s) => s.rollupVersion);
  const centres = useMemo(
    () => new Map(regions.map((r) => [r.id, toScene(...centreOf(r.ring), LABEL_HEIGHT_M)])),
    [regions],
  );
  const labelled = useMemo(() => {
    void version;
    return regions
      .map((region) => ({ region, counts: sumAlerts(live.rollups.get(region.index)) }))
      .filter(({ counts }) => counts.some((n) => n > 0));
  }, [regions, live, version]);

  const listAlertsOf = (region: CityRegion) => {
    const { filters } = alerts.store.getState();
    alerts.store.setState({ listOpen: true, filters: { ...filters, region: region.name } });
  };

  return (
    <>
      {labelled.map(({ region, counts }) => (
        <Html
          key={region.id}
          position={centres.get(region.id)}
          center
          zIndexRange={[20, 0]}
          className="region-alert-label"
        >
          <button
            type="button"
            data-testid="region-alert-label"
            data-region={region.id}
            title={`Open alerts in ${region.name}`}
            onClick={() => listAlertsOf(region)}
          >
            <AlertBadges alerts={counts} />
          </button>
        </Html>
      ))}
    </>
  );
}

function sumAlerts(layers: Map<number, RegionUpdate> | undefined): number[] {
  const sum = [0, 0, 0, 0];
  for (const update of layers?.values() ?? []) update.alerts.forEach((n, k) => (sum[k]! += n));
  return sum;
}
