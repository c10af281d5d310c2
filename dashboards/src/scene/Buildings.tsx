import { useEffect, useMemo } from 'react';
import type { ThreeEvent } from '@react-three/fiber';
import type { CityData } from '../api.ts';
import { useConsole, useRuntime } from '../live/runtime.ts';
import { buildingOfFace, mergeBuildings, paintBuildings } from './building-geometry.ts';
import { litBuildings } from './building-highlight.ts';

export interface BuildingsProps {
  city: CityData;
}

/**
 * All buildings as one static mesh; the buildings of the focused area (a hierarchy node, or
 * the region selected in another grid system) are lit, a focused building is gold.
 */
export function Buildings({ city }: BuildingsProps) {
  const runtime = useRuntime();
  const { actions } = runtime;
  const focus = useConsole((s) => s.focus);
  const mode = useConsole((s) => s.mode);
  const selectedRegion = useConsole((s) => s.selectedRegion);
  const b = city.buildings;
  const geometry = useMemo(() => mergeBuildings(b), [b]);
  useEffect(() => () => geometry.dispose(), [geometry]);

  useEffect(() => {
    const area = mode === 'hierarchy' ? focus : (selectedRegion ?? '');
    paintBuildings(geometry, b, litBuildings(city, area), b.id.indexOf(focus));
    runtime.invalidate();
  }, [city, b, geometry, focus, mode, selectedRegion, runtime]);

  const onClick = (event: ThreeEvent<MouseEvent>) => {
    if (event.faceIndex === undefined || event.faceIndex === null || mode !== 'hierarchy') return;
    const building = buildingOfFace(event.faceIndex);
    const grid = city.regions[b.grid[building]!];
    // Buildings are entered from their own grid cell; elsewhere the click goes to the region.
    if (grid?.id !== focus && b.id[building] !== focus) return;
    event.stopPropagation();
    actions.drill(b.id[building]!);
  };

  return (
    <mesh geometry={geometry} onClick={onClick} name="buildings">
      <meshLambertMaterial vertexColors flatShading />
    </mesh>
  );
}
