import { useEffect, useMemo } from 'react';
import type { ThreeEvent } from '@react-three/fiber';
import { DoubleSide } from 'three';
import { layerIndex } from '@sensegrid/twin';
import type { CityData } from '../api.ts';
import { useConsole, useRuntime } from '../live/runtime.ts';
import { mergeOutlines, mergeRegionFills, regionsInView } from './geometry.ts';
import { valueColor } from './sensor-colors.ts';
import { RegionAlertLabels } from '../alerts/RegionAlertLabels.tsx';

export interface RegionsProps {
  city: CityData;
}

const NO_DATA: [number, number, number] = [0.02, 0.03, 0.06];

/**
 * The regions in view as one shaded fill (by the focus layer's rollup: mean value, or the
 * share of sensors online) and one outline. Rollups recolour the fill in place.
 */
export function Regions({ city }: RegionsProps) {
  const runtime = useRuntime();
  const { live, store, actions } = runtime;
  const mode = useConsole((s) => s.mode);
  const focus = useConsole((s) => s.focus);
  const selected = useConsole((s) => s.selectedRegion);
  const regions = useMemo(() => regionsInView(city, mode, focus), [city, mode, focus]);
  const fills = useMemo(() => mergeRegionFills(regions, 1.5), [regions]);
  const outline = useMemo(
    () =>
      mergeOutlines(
        regions.map((r) => r.ring),
        2,
      ),
    [regions],
  );
  const highlight = useMemo(() => {
    const r = city.regions.find((x) => x.id === selected);
    return r ? mergeOutlines([r.ring], 3) : undefined;
  }, [city, selected]);

  useEffect(() => {
    const paint = () => {
      const { focusLayer, colorMode } = store.getState();
      const layer = layerIndex(focusLayer);
      const colors = fills.geometry.getAttribute('color');
      const array = colors.array as Float32Array;
      regions.forEach((region, r) => {
        const rollup = live.rollups.get(region.index)?.get(layer);
        let rgb = NO_DATA;
        if (rollup && rollup.sensors > 0) {
          if (colorMode === 'status') rgb = valueColorShare(rollup.online / rollup.sensors);
          else if (rollup.metrics[0]) rgb = valueColor(focusLayer, rollup.metrics[0].mean);
        }
        const [start, n] = fills.vertexRange[r]!;
        for (let v = start; v < start + n; v++) array.set(rgb, v * 3);
      });
      colors.needsUpdate = true;
      runtime.invalidate();
    };
    paint();
    return store.subscribe((s, prev) => {
      if (
        s.rollupVersion !== prev.rollupVersion ||
        s.focusLayer !== prev.focusLayer ||
        s.colorMode !== prev.colorMode
      )
        paint();
    });
  }, [fills, regions, live, store, runtime]);

  const onClick = (event: ThreeEvent<MouseEvent>) => {
    if (event.faceIndex === undefined || event.faceIndex === null) return;
    const region = regions[fills.triangleRegion[event.faceIndex]!];
    if (!region) return;
    event.stopPropagation();
    if (mode === 'hierarchy') {
      if (region.id !== focus) actions.drill(region.id);
    } else actions.selectRegion(region.id);
  };

  return (
    <group>
      <mesh geometry={fills.geometry} onClick={onClick} name="region-fills" renderOrder={1}>
        <meshBasicMaterial
          vertexColors
          transparent
          opacity={0.3}
          depthWrite={false}
          side={DoubleSide}
        />
      </mesh>
      <lineSegments geometry={outline} name="region-outlines">
        <lineBasicMaterial color="#7fb3ff" transparent opacity={0.55} />
      </lineSegments>
      {highlight && (
        <lineSegments geometry={highlight}>
          <lineBasicMaterial color="#ffd166" />
        </lineSegments>
      )}
      <RegionAlertLabels regions={regions} />
    </group>
  );
}

/** Green when every sensor is online, through amber to red when none is. */
function valueColorShare(share: number): [number, number, number] {
  return valueColor('noise', 35 + (1 - share) * 60);
}
