import { METRICS, encodeFrame, type Frame } from '@sensegrid/twin';
import type { Camera, InstancedMesh, Scene, WebGLRenderer } from 'three';
import type { ConsoleRuntime } from './live/runtime.ts';
import { paintDirtySensors } from './scene/Sensors.tsx';

/**
 * Read-only probes for the browser tests and `npm run bench:console`, on
 * `window.__sensegrid`: what the scene draws, and timings of the frame path.
 */
export interface ConsoleHooks {
  runtime: ConsoleRuntime;
  renderer?: WebGLRenderer;
  scene?: Scene;
  camera?: Camera;
  /** Sensors drawn (scale > 0) per layer. */
  visibleSensors(): Record<string, number>;
  /** Draw calls of one render of the current scene. */
  drawCalls(): number;
  /** Latencies (ms) recorded since `from` (a previous `latencyCount`). */
  latencies(from: number): number[];
  /** Starts recording the age of sensor updates when their frame is applied (before drawing). */
  recordApplied(): void;
  /** Ages (ms) at apply time recorded since `from` (a previous `appliedCount`). */
  applied(from: number): number[];
  /** Times applying `reps` synthetic frames of `changed` sensors; ms per frame for each rep. */
  timeFrameApply(changed: number, reps: number): { binary: number[]; json: number[] };
}

export function exposeHooks(runtime: ConsoleRuntime): void {
  const hooks: ConsoleHooks = {
    runtime,
    visibleSensors() {
      const mesh = hooks.scene?.getObjectByName('sensors') as InstancedMesh | undefined;
      const table = runtime.store.getState().sensors;
      const counts: Record<string, number> = {};
      if (!mesh || !table) return counts;
      const m = mesh.instanceMatrix.array;
      for (let i = 0; i < mesh.count; i++) {
        if (m[i * 16] !== 0) counts[table.layer[i]!] = (counts[table.layer[i]!] ?? 0) + 1;
      }
      return counts;
    },
    drawCalls() {
      const r = hooks.renderer;
      const scene = hooks.scene;
      if (!r || !scene) return -1;
      const camera = hooks.camera;
      if (!camera) return -1;
      r.info.autoReset = false;
      r.info.reset();
      r.render(scene, camera);
      const calls = r.info.render.calls;
      r.info.autoReset = true;
      return calls;
    },
    latencies(from) {
      const out: number[] = [];
      const lat = runtime.latencies;
      for (let i = from; i < runtime.latencyCount; i++) out.push(lat[i & (lat.length - 1)]!);
      return out;
    },
    recordApplied() {
      runtime.live.appliedAges ??= new Float64Array(1 << 16);
    },
    applied(from) {
      const out: number[] = [];
      const ages = runtime.live.appliedAges;
      if (!ages) return out;
      for (let i = from; i < runtime.live.appliedCount; i++) out.push(ages[i & (ages.length - 1)]!);
      return out;
    },
    timeFrameApply(changed, reps) {
      const { live, store } = runtime;
      const table = store.getState().sensors;
      if (!table) throw new Error('the console has not loaded its sensors');
      const n = Math.min(changed, table.id.length);
      const colors = new Float32Array(table.id.length * 3);
      const binary: number[] = [];
      const json: number[] = [];
      const lastSeq = live.lastSeq;
      for (let rep = 0; rep < reps; rep++) {
        const now = Date.now();
        const frame: Frame = {
          seq: live.lastSeq + 1,
          timeMs: now,
          snapshot: false,
          sensorsVersion: live.header.sensorsVersion,
          readingsTotal: 0,
          readingsPerSec: 0,
          devicesOnline: n,
          devicesTotal: table.id.length,
          sensors: [],
          regions: [],
        };
        for (let i = 0; i < n; i++) {
          const metric = METRICS.find((m) => m.layer === table.layer[i])?.index ?? 0;
          frame.sensors.push({
            index: i,
            status: 'online',
            ts: now - 50,
            values: [
              [metric, (rep * 7 + i) % 100],
              [metric + 1, rep],
            ],
          });
        }
        const bytes = encodeFrame(frame);
        const text = JSON.stringify(
          frame.sensors.map((s) => ({
            i: s.index,
            s: 1,
            t: s.ts,
            v: Object.fromEntries(s.values),
          })),
        );
        const { focusLayer } = store.getState();

        const t0 = performance.now();
        live.applyFrame(bytes, Date.now());
        paintDirtySensors(colors, runtime, table, focusLayer, true, Date.now());
        binary.push(performance.now() - t0);

        // Baseline: the same updates as JSON objects, applied one object at a time.
        const t1 = performance.now();
        const parsed = JSON.parse(text) as {
          i: number;
          s: number;
          t: number;
          v: Record<string, number>;
        }[];
        const stride = live.metricCount;
        for (const u of parsed) {
          live.status[u.i] = u.s;
          live.ts[u.i] = u.t;
          for (const k in u.v) live.values[u.i * stride + Number(k)] = u.v[k]!;
          if (live.dirty.mark[u.i] === 0) {
            live.dirty.mark[u.i] = 1;
            live.dirty.list[live.dirty.count++] = u.i;
          }
        }
        paintDirtySensors(colors, runtime, table, focusLayer, true, Date.now());
        json.push(performance.now() - t1);
        live.lastSeq = frame.seq;
      }
      // Synthetic frames must not make the live feed's next frames look old.
      live.lastSeq = lastSeq;
      live.redrawAll = true;
      return { binary, json };
    },
  };
  (window as unknown as { __sensegrid: ConsoleHooks }).__sensegrid = hooks;
}
