import { useEffect, useMemo, useRef } from 'react';
import type { ThreeEvent } from '@react-three/fiber';
import {
  BoxGeometry,
  Color,
  InstancedBufferAttribute,
  Matrix4,
  Quaternion,
  Vector3,
  type InstancedMesh,
} from 'three';
import type { CityData } from '../api.ts';
import { useConsole, useRuntime } from '../live/runtime.ts';

export interface BuildingsProps {
  city: CityData;
}

const BASE = new Color('#27344d');
const TALL = new Color('#56698f');
const LIT = new Color('#6f97d8');
const SELECTED = new Color('#ffd166');

/** All buildings as one instanced mesh of boxes; the focused area's buildings are lit. */
export function Buildings({ city }: BuildingsProps) {
  const mesh = useRef<InstancedMesh>(null);
  const runtime = useRuntime();
  const { actions } = runtime;
  const focus = useConsole((s) => s.focus);
  const mode = useConsole((s) => s.mode);
  const selectedRegion = useConsole((s) => s.selectedRegion);
  const b = city.buildings;
  const count = b.id.length;
  const geometry = useMemo(() => new BoxGeometry(1, 1, 1).translate(0, 0.5, 0), []);

  useEffect(() => {
    const m = mesh.current;
    if (!m) return;
    const matrix = new Matrix4();
    const q = new Quaternion();
    const up = new Vector3(0, 1, 0);
    const pos = new Vector3();
    const size = new Vector3();
    for (let i = 0; i < count; i++) {
      q.setFromAxisAngle(up, b.a[i]!);
      matrix.compose(pos.set(b.x[i]!, 0, -b.y[i]!), q, size.set(b.w[i]!, b.h[i]!, b.d[i]!));
      m.setMatrixAt(i, matrix);
    }
    m.instanceMatrix.needsUpdate = true;
    m.computeBoundingSphere();
  }, [b, count]);

  useEffect(() => {
    const m = mesh.current;
    if (!m) return;
    const lit = litGrids(city, mode === 'hierarchy' ? focus : (selectedRegion ?? ''));
    const colors = new Float32Array(count * 3);
    const c = new Color();
    for (let i = 0; i < count; i++) {
      const tall = Math.min(1, b.h[i]! / 120);
      c.copy(BASE).lerp(TALL, tall);
      if (b.id[i] === focus) c.copy(SELECTED);
      else if (lit.has(b.grid[i]!)) c.lerp(LIT, 0.55);
      c.toArray(colors, i * 3);
    }
    m.instanceColor = new InstancedBufferAttribute(colors, 3);
    runtime.invalidate();
  }, [city, b, count, focus, mode, selectedRegion, runtime]);

  const onClick = (event: ThreeEvent<MouseEvent>) => {
    if (event.instanceId === undefined || mode !== 'hierarchy') return;
    const grid = city.regions[b.grid[event.instanceId]!];
    // Buildings are entered from their own grid cell; elsewhere the click goes to the region.
    if (grid?.id !== focus && b.id[event.instanceId] !== focus) return;
    event.stopPropagation();
    actions.drill(b.id[event.instanceId]!);
  };

  return (
    <instancedMesh
      ref={mesh}
      args={[geometry, undefined, count]}
      onClick={onClick}
      name="buildings"
    >
      <meshLambertMaterial />
    </instancedMesh>
  );
}

/** Region indexes of the grid cells inside `id` (a hierarchy node or a grid-system region). */
function litGrids(city: CityData, id: string): Set<number> {
  const lit = new Set<number>();
  if (!id || id === 'city') return lit;
  const node = city.regions.find((r) => r.id === id);
  if (!node) return lit;
  if (!node.level) {
    // A grid-system region: light the buildings whose grid cell centre falls inside it.
    return lit;
  }
  const inside = new Set([id]);
  for (const r of city.regions) {
    if (r.parent && inside.has(r.parent)) inside.add(r.id);
    if (r.level === 'grid' && inside.has(r.id)) lit.add(r.index);
  }
  return lit;
}
