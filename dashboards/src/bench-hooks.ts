import { METRICS, encodeFrame, type Frame } from '@sensegrid/twin';
import { Color, type Camera, type Mesh, type Points, type Scene, type WebGLRenderer } from 'three';
import type { ConsoleRuntime } from './live/runtime.ts';
import { paintDirtySensors, presentLatencies } from './scene/Sensors.tsx';
import { baseBuildingColor } from './scene/building-geometry.ts';

/**
 * Read-only probes for the browser tests and `npm run bench:console`, on
 * `window.__sensegrid`: what the scene draws, and timings of the frame path.
 */
export interface ConsoleHooks {
  runtime: ConsoleRuntime;
  renderer?: WebGLRenderer;
  scene?: Scene;
  camera?: Camera;
  /** Sensors drawn (in the points' index) per layer. */
  visibleSensors(): Record<string, number>;
  /** Buildings drawn in another colour than their plain one (lit or selected). */
  highlightedBuildings(): number;
  /** Draw calls of one render of the current scene. */
  drawCalls(): number;
  /** Latencies (ms) recorded since `from` (a previous `latencyCount`). */
  latencies(from: number): number[];
  /** Starts recording the age of sensor updates when their frame is applied (before drawing). */
  recordApplied(): void;
  /** Ages (ms) at apply time recorded since `from` (a previous `appliedCount`). */
  applied(from: number): number[];
  /**
   * Times `reps` renders of the current scene, each waited for with a 1-pixel readPixels (the
   * GPU, here a CPU rasteriser, must finish first); ms per render.
   */
  timeRender(reps: number): number[];
  /** Times applying `reps` synthetic frames of `changed` sensors; ms per frame for each rep. */
  timeFrameApply(changed: number, reps: number): { binary: number[]; json: number[] };
}

export function exposeHooks(runtime: ConsoleRuntime): void {
  const hooks: ConsoleHooks = {
    runtime,
    visibleSensors() {
      const points = hooks.scene?.getObjectByName('sensors') as Points | undefined;
      const table = runtime.store.getState().sensors;
      const counts: Record<string, number> = {};
      const index = points?.geometry.index?.array;
      if (!index || !table) return counts;
      for (const i of index) counts[table.layer[i]!] = (counts[table.layer[i]!] ?? 0) + 1;
      return counts;
    },
    highlightedBuildings() {
      const mesh = hooks.scene?.getObjectByName('buildings') as Mesh | undefined;
      const city = runtime.store.getState().city;
      if (!mesh || !city) return -1;
      const colors = mesh.geometry.getAttribute('color').array;
      const plain = new Color();
      let n = 0;
      // Eight corners per building, one colour each; the first corner stands for the building.
      for (let i = 0; i < city.buildings.id.length; i++) {
        baseBuildingColor(city.buildings.h[i]!, plain);
        const at = i * 8 * 3;
        const same =
          Math.abs(colors[at]! - plain.r) < 1e-4 &&
          Math.abs(colors[at + 1]! - plain.g) < 1e-4 &&
          Math.abs(colors[at + 2]! - plain.b) < 1e-4;
        if (!same) n++;
      }
      return n;
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
    timeRender(reps) {
      const { renderer: r, scene, camera } = hooks;
      if (!r || !scene || !camera) return [];
      const gl = r.getContext();
      const pixel = new Uint8Array(4);
      const times: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        r.render(scene, camera);
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
        times.push(performance.now() - t0);
      }
      return times;
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
        paintDirtySensors(colors, runtime, table, focusLayer, true);
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
        paintDirtySensors(colors, runtime, table, focusLayer, true);
        json.push(performance.now() - t1);
        live.lastSeq = frame.seq;
      }
      // Synthetic frames must not make the live feed's next frames look old, nor count as drawn.
      presentLatencies(runtime, Date.now());
      live.lastSeq = lastSeq;
      live.redrawAll = true;
      return { binary, json };
    },
  };
  (window as unknown as { __sensegrid: ConsoleHooks }).__sensegrid = hooks;
}
