import { useEffect, useMemo, useRef } from 'react';
import { useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import type { BufferAttribute, Mesh } from 'three';
import type { SensorTableData } from '../api.ts';
import { useConsole, useRuntime, type ConsoleRuntime } from '../live/runtime.ts';
import { writeSensorColor } from './sensor-colors.ts';
import { sensorPoints, visibleSensorIndex } from './sensor-geometry.ts';
import { toScene } from './geometry.ts';

export interface SensorsProps {
  table: SensorTableData;
}

/** Size of a sensor on screen, in pixels, at any zoom. */
const POINT_PX = 5;
const RADIUS_M = 5;

/**
 * Every sensor as one point of one `Points` object (one draw call, one vertex per sensor).
 * Frames only mark sensors dirty; here, once per drawn frame, the dirty sensors' colours are
 * written into the colour attribute and only that span is uploaded. Hidden layers are left
 * out of the index. The picked sensor gets a marker. Nothing here re-renders React per frame.
 */
export function Sensors({ table }: SensorsProps) {
  const runtime = useRuntime();
  const { live, store, actions } = runtime;
  const raycaster = useThree((s) => s.raycaster);
  const geometry = useMemo(() => sensorPoints(table), [table]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  const marker = useRef<Mesh>(null);
  const hiddenLayers = useConsole((s) => s.hiddenLayers);
  const focusLayer = useConsole((s) => s.focusLayer);
  const colorMode = useConsole((s) => s.colorMode);
  const picked = useConsole((s) => s.picked);
  const scale = useRef(0);
  const span = useMemo(() => ({ lo: 0, hi: -1 }), []);

  useEffect(() => {
    geometry.setIndex(visibleSensorIndex(table, hiddenLayers));
    runtime.invalidate();
  }, [geometry, table, hiddenLayers, runtime]);

  useEffect(() => {
    const m = marker.current;
    if (!m) return;
    const x = picked === undefined ? null : table.x[picked];
    const y = picked === undefined ? null : table.y[picked];
    const shown = x != null && y != null && !hiddenLayers[table.layer[picked!]!];
    m.visible = shown;
    if (shown) m.position.set(...toScene(x, y, table.z[picked!]! + 4));
    runtime.invalidate();
  }, [picked, hiddenLayers, table, runtime]);

  useEffect(() => {
    live.redrawAll = true;
    runtime.invalidate();
  }, [focusLayer, colorMode, table, live, runtime]);

  useFrame(({ camera }) => {
    // Keep the pick radius and the marker a few pixels wide at any zoom.
    const s = Math.min(7, Math.max(1, camera.position.y / 700));
    if (Math.abs(s - scale.current) / s > 0.15) {
      scale.current = s;
      raycaster.params.Points = { threshold: RADIUS_M * s * 1.5 };
      marker.current?.scale.setScalar(s * 2.2);
    }
    const colors = geometry.getAttribute('color') as BufferAttribute;
    const array = colors.array as Float32Array;
    const { focusLayer: focus, colorMode: mode } = store.getState();
    if (live.redrawAll) {
      live.redrawAll = false;
      live.drainDirty(() => {});
      const stride = live.metricCount;
      for (let i = 0; i < table.id.length; i++) {
        const layer = table.layer[i]!;
        writeSensorColor(
          array,
          i * 3,
          layer,
          focus,
          mode === 'value',
          live.status[i]!,
          live.values,
          i * stride,
        );
      }
      colors.clearUpdateRanges();
      colors.needsUpdate = true;
      return;
    }
    const painted = paintDirtySensors(array, runtime, table, focus, mode === 'value', span);
    if (painted > 0 && span.hi >= span.lo) {
      colors.clearUpdateRanges();
      colors.addUpdateRange(span.lo * 3, (span.hi - span.lo + 1) * 3);
      colors.needsUpdate = true;
      // Ages are final once the frame drawn with these colours is on screen: the next
      // animation frame starts after this one was presented.
      requestAnimationFrame(() => presentLatencies(runtime, Date.now()));
    }
  });

  const onClick = (event: ThreeEvent<MouseEvent>) => {
    if (event.index === undefined) return;
    event.stopPropagation();
    actions.pick(event.index);
  };

  return (
    <group>
      <points geometry={geometry} onClick={onClick} frustumCulled={false} name="sensors">
        <pointsMaterial vertexColors size={POINT_PX} sizeAttenuation={false} toneMapped={false} />
      </points>
      <mesh ref={marker} visible={false} name="picked-sensor">
        <octahedronGeometry args={[RADIUS_M, 0]} />
        <meshBasicMaterial color="#ffffff" wireframe toneMapped={false} />
      </mesh>
    </group>
  );
}

/**
 * Writes the colours of the sensors changed since the last call and notes the timestamps of
 * their readings; `presentLatencies` turns them into publish-to-screen latencies once the
 * frame is on screen. Returns how many were painted and, in `span`, the lowest and highest
 * index painted. Allocates nothing per sensor.
 */
export function paintDirtySensors(
  colors: Float32Array,
  runtime: ConsoleRuntime,
  table: SensorTableData,
  focus: string,
  byValue: boolean,
  span: { lo: number; hi: number } = { lo: 0, hi: -1 },
): number {
  const { live } = runtime;
  if (live.dirty.count === 0) return 0;
  const layers = table.layer;
  const count = layers.length;
  const stride = live.metricCount;
  const lat = runtime.latencies;
  const mask = lat.length - 1;
  let n = runtime.latencyPending;
  const { list, mark } = live.dirty;
  const dirty = live.dirty.count;
  span.lo = count;
  span.hi = -1;
  for (let k = 0; k < dirty; k++) {
    const i = list[k]!;
    mark[i] = 0;
    if (i >= count) continue;
    if (i < span.lo) span.lo = i;
    if (i > span.hi) span.hi = i;
    writeSensorColor(
      colors,
      i * 3,
      layers[i]!,
      focus,
      byValue,
      live.status[i]!,
      live.values,
      i * stride,
    );
    const ts = live.ts[i]!;
    if (ts === ts) lat[n++ & mask] = ts;
  }
  live.dirty.count = 0;
  runtime.latencyPending = n;
  return dirty;
}

/** Turns the reading timestamps noted since the last call into ages at time `now`. */
export function presentLatencies(runtime: ConsoleRuntime, now: number): void {
  const lat = runtime.latencies;
  const mask = lat.length - 1;
  for (let k = runtime.latencyCount; k < runtime.latencyPending; k++)
    lat[k & mask] = now - lat[k & mask]!;
  runtime.latencyCount = runtime.latencyPending;
}
