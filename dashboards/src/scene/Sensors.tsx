import { useEffect, useMemo, useRef } from 'react';
import { useFrame, type ThreeEvent } from '@react-three/fiber';
import { InstancedBufferAttribute, Matrix4, OctahedronGeometry, type InstancedMesh } from 'three';
import type { SensorTableData } from '../api.ts';
import { useConsole, useRuntime, type ConsoleRuntime } from '../live/runtime.ts';
import { writeSensorColor } from './sensor-colors.ts';
import { toScene } from './geometry.ts';

export interface SensorsProps {
  table: SensorTableData;
}

const RADIUS_M = 5;

/**
 * Every sensor in one instanced mesh (one draw call). Frames only mark sensors dirty; here,
 * once per drawn frame, the dirty sensors' colours are written into the instance buffer.
 * Hidden layers are drawn at scale 0. Nothing here re-renders React per frame.
 */
export function Sensors({ table }: SensorsProps) {
  const runtime = useRuntime();
  const { live, store, actions } = runtime;
  const mesh = useRef<InstancedMesh>(null);
  const count = table.id.length;
  const geometry = useMemo(() => new OctahedronGeometry(RADIUS_M, 0), []);
  const hiddenLayers = useConsole((s) => s.hiddenLayers);
  const focusLayer = useConsole((s) => s.focusLayer);
  const colorMode = useConsole((s) => s.colorMode);
  const picked = useConsole((s) => s.picked);
  const scale = useRef(1);
  const matrix = useMemo(() => new Matrix4(), []);

  const writeMatrices = (m: InstancedMesh, s: number) => {
    const { hiddenLayers: hidden } = store.getState();
    const array = m.instanceMatrix.array as Float32Array;
    for (let i = 0; i < count; i++) {
      const x = table.x[i];
      const y = table.y[i];
      const visible = x !== null && y !== null && !hidden[table.layer[i]!];
      const k = visible ? (i === store.getState().picked ? s * 2.2 : s) : 0;
      const [px, py, pz] = visible ? toScene(x!, y!, table.z[i]! + RADIUS_M * s + 2) : [0, -1e4, 0];
      matrix.makeScale(k, k, k).setPosition(px, py, pz);
      matrix.toArray(array, i * 16);
    }
    m.instanceMatrix.needsUpdate = true;
    m.computeBoundingSphere();
  };

  useEffect(() => {
    const m = mesh.current;
    if (!m) return;
    if (!m.instanceColor || m.instanceColor.count !== count) {
      m.instanceColor = new InstancedBufferAttribute(new Float32Array(count * 3), 3);
    }
    writeMatrices(m, scale.current);
    live.redrawAll = true;
    runtime.invalidate();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [table, hiddenLayers, picked]);

  useEffect(() => {
    live.redrawAll = true;
    runtime.invalidate();
  }, [focusLayer, colorMode, live, runtime]);

  useFrame(({ camera }) => {
    const m = mesh.current;
    if (!m?.instanceColor) return;
    // Keep sensors a few pixels wide at any zoom: rescale when the distance changed a lot.
    const s = Math.min(7, Math.max(1, camera.position.y / 700));
    if (Math.abs(s - scale.current) / scale.current > 0.15) {
      scale.current = s;
      writeMatrices(m, s);
    }
    const colors = m.instanceColor.array as Float32Array;
    const { focusLayer: focus, colorMode: mode } = store.getState();
    const byValue = mode === 'value';
    const layers = table.layer;
    const stride = live.metricCount;
    if (live.redrawAll) {
      live.redrawAll = false;
      live.drainDirty(() => {});
      for (let i = 0; i < count; i++) {
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
      }
      m.instanceColor.needsUpdate = true;
      return;
    }
    if (paintDirtySensors(colors, runtime, table, focus, byValue, Date.now()) > 0) {
      m.instanceColor.needsUpdate = true;
    }
  });

  const onClick = (event: ThreeEvent<MouseEvent>) => {
    if (event.instanceId === undefined) return;
    event.stopPropagation();
    actions.pick(event.instanceId);
  };

  return (
    <instancedMesh
      ref={mesh}
      args={[geometry, undefined, count]}
      onClick={onClick}
      frustumCulled={false}
      name="sensors"
    >
      <meshBasicMaterial toneMapped={false} />
    </instancedMesh>
  );
}

/**
 * Writes the colours of the sensors changed since the last call and records their
 * publish-to-screen latency. Returns how many were painted. Allocates nothing per sensor.
 */
export function paintDirtySensors(
  colors: Float32Array,
  runtime: ConsoleRuntime,
  table: SensorTableData,
  focus: string,
  byValue: boolean,
  now: number,
): number {
  const { live } = runtime;
  if (live.dirty.count === 0) return 0;
  const layers = table.layer;
  const count = layers.length;
  const stride = live.metricCount;
  const lat = runtime.latencies;
  const mask = lat.length - 1;
  let n = runtime.latencyCount;
  const { list, mark } = live.dirty;
  const dirty = live.dirty.count;
  for (let k = 0; k < dirty; k++) {
    const i = list[k]!;
    mark[i] = 0;
    if (i >= count) continue;
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
    if (ts === ts) lat[n++ & mask] = now - ts;
  }
  live.dirty.count = 0;
  runtime.latencyCount = n;
  return dirty;
}
