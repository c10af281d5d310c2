import { addCounts, emptyCounts, type RollupCounts } from './counts.ts';
import { type AlertSeverity, type SensorStatus, ALERT_SEVERITIES } from '../layer-scales.ts';
import { MetricWindow } from './metric-window.ts';
import { Cell, decrement, increment, snapshotCell, type Tracked } from './rollup-cell.ts';
import { histogramRange } from './histogram-range.ts';
import type { LayerRollup, RollupNode, RollupOptions, SensorState } from './rollup-types.ts';

export type {
  LayerRollup,
  MetricStats,
  RollupNode,
  RollupOptions,
  SensorState,
} from './rollup-types.ts';
export { histogramRange } from './histogram-range.ts';

/**
 * Rollups per node and layer, kept up to date one event at a time: a reading touches only
 * the cells of the sensor's own nodes, never recomputes a whole node. Time comes from the
 * events (reading and receive times), so the same events give the same rollups.
 */
export class Rollups {
  private readonly cells = new Map<string, Cell>();
  private readonly byNode = new Map<string, Cell[]>();
  private readonly sensors: Tracked[] = [];
  private readonly ids = new Map<string, number>();
  private readonly changedSensors = new Set<number>();
  private readonly changedCells = new Set<Cell>();
  private readonly bucketMs: number;
  private readonly o: Required<RollupOptions>;
  private clock = -Infinity;
  private clockBucket = -Infinity;

  constructor(options: RollupOptions = {}) {
    this.o = {
      windowMs: 300_000,
      buckets: 6,
      bins: 32,
      staleAfterIntervals: 3,
      minStaleMs: 5_000,
      defaultIntervalMs: 60_000,
      ...options,
    };
    this.bucketMs = this.o.windowMs / this.o.buckets;
  }

  get size(): number {
    return this.sensors.length;
  }

  /** Registers a sensor in its nodes; returns its index. A known id keeps its index. */
  addSensor(id: string, layer: string, nodes: readonly RollupNode[]): number {
    const known = this.ids.get(id);
    if (known !== undefined) return known;
    const cells = nodes.map((n) => this.cell(n.id, layer, n.stats));
    for (const cell of cells) {
      cell.sensors++;
      cell.offline++;
      this.touch(cell);
    }
    const index = this.sensors.length;
    this.sensors.push({
      id,
      layer,
      status: 'unknown',
      intervalMs: this.o.defaultIntervalMs,
      latest: new Map(),
      openAlerts: [0, 0, 0, 0],
      gaps: 0,
      cells,
      windows: new Map(),
    });
    this.ids.set(id, index);
    this.changedSensors.add(index);
    return index;
  }

  indexOf(id: string): number | undefined {
    return this.ids.get(id);
  }

  /**
   * Moves a sensor to other nodes (its device reported a new position): the nodes it leaves
   * lose its counts and open alerts, the nodes it joins gain them, nodes it stays in are not
   * touched. Metric stats stay where the readings were taken; the sensor's next readings go
   * to its new nodes.
   */
  moveSensor(index: number, nodes: readonly RollupNode[]): void {
    const s = this.sensors[index];
    if (!s) return;
    const next = nodes.map((n) => this.cell(n.id, s.layer, n.stats));
    const kept = new Set(next);
    for (const cell of s.cells) {
      if (kept.has(cell)) continue;
      this.count(cell, s, -1);
    }
    const before = new Set(s.cells);
    for (const cell of next) {
      if (before.has(cell)) continue;
      this.count(cell, s, 1);
    }
    s.cells = next;
    s.windows.clear();
    this.changedSensors.add(index);
  }

  sensor(index: number): SensorState | undefined {
    return this.sensors[index];
  }

  /** Applies one reading: latest values, liveness, and the metric windows of its nodes. */
  reading(
    index: number,
    ts: number,
    values: Readonly<Record<string, number>>,
    receivedAt: number,
  ): void {
    const s = this.sensors[index];
    if (!s) return;
    this.advance(receivedAt);
    if (s.lastSeen !== undefined && receivedAt > s.lastSeen) {
      const gap = Math.min(receivedAt - s.lastSeen, 24 * 3600_000);
      s.intervalMs = s.gaps++ === 0 ? gap : s.intervalMs * 0.8 + gap * 0.2;
    }
    s.lastSeen = Math.max(s.lastSeen ?? receivedAt, receivedAt);
    s.lastTs = ts;
    this.move(s, 'online');
    const bucket = Math.floor(Math.min(ts, this.clock) / this.bucketMs);
    const fresh = bucket > this.clockBucket - this.o.buckets;
    for (const metric in values) {
      const value = values[metric]!;
      s.latest.set(metric, value);
      if (!fresh) continue;
      for (const window of this.windowsOf(s, metric, value)) window.add(bucket, value);
    }
    if (fresh) for (const cell of s.cells) if (cell.metrics) this.touch(cell);
    this.changedSensors.add(index);
  }

  /** A status the device announced (`devices/<id>/status`), at receive time `now`. */
  announce(index: number, status: 'online' | 'offline', now: number): void {
    const s = this.sensors[index];
    if (!s) return;
    this.advance(now);
    if (status === 'online') s.lastSeen = Math.max(s.lastSeen ?? now, now);
    this.move(s, status);
  }

  /** Opens (delta 1) or closes (delta -1) an alert on a sensor; closing one not open does nothing. */
  alert(index: number, severity: AlertSeverity, delta: 1 | -1): void {
    const s = this.sensors[index];
    const level = ALERT_SEVERITIES.indexOf(severity);
    if (!s || level < 0 || s.openAlerts[level]! + delta < 0) return;
    s.openAlerts[level]! += delta;
    for (const cell of s.cells) {
      cell.alerts[level]! += delta;
      this.touch(cell);
    }
  }

  /** Marks online sensors without a recent reading as stale and slides the windows to `now`. */
  sweep(now: number): void {
    this.advance(now);
    for (const s of this.sensors) {
      if (s.status !== 'online' || s.lastSeen === undefined) continue;
      const limit = Math.max(this.o.minStaleMs, s.intervalMs * this.o.staleAfterIntervals);
      if (now - s.lastSeen > limit) this.move(s, 'stale');
    }
  }

  /** The rollup of a node for one layer, or undefined when no sensor of that layer is there. */
  get(node: string, layer: string): LayerRollup | undefined {
    const cell = this.cells.get(`${node}\u0000${layer}`);
    return cell ? snapshotCell(cell, this.clockBucket) : undefined;
  }

  /** Every layer's rollup of a node. */
  layersOf(node: string): LayerRollup[] {
    return (this.byNode.get(node) ?? []).map((cell) => snapshotCell(cell, this.clockBucket));
  }

  /** The counts of a node summed over its layers. */
  total(node: string): RollupCounts {
    const sum = emptyCounts();
    for (const c of this.byNode.get(node) ?? []) addCounts(sum, c);
    return sum;
  }

  /** What changed since the last call: sensor indexes and [node, layer] pairs. */
  takeChanges(): { sensors: number[]; cells: [node: string, layer: string][] } {
    const sensors = [...this.changedSensors];
    const cells: [string, string][] = [];
    for (const cell of this.changedCells) {
      cell.dirty = false;
      cells.push([cell.node, cell.layer]);
    }
    this.changedSensors.clear();
    this.changedCells.clear();
    return { sensors, cells };
  }

  private cell(node: string, layer: string, stats: boolean): Cell {
    const key = `${node}\u0000${layer}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = new Cell(node, layer, stats);
      this.cells.set(key, cell);
      let list = this.byNode.get(node);
      if (!list) this.byNode.set(node, (list = []));
      list.push(cell);
    }
    return cell;
  }

  private windowsOf(s: Tracked, metric: string, first: number): MetricWindow[] {
    let windows = s.windows.get(metric);
    if (!windows) {
      const [lo, hi] = histogramRange(metric, first);
      windows = [];
      for (const cell of s.cells) {
        if (!cell.metrics) continue;
        let window = cell.metrics.get(metric);
        if (!window) cell.metrics.set(metric, (window = new MetricWindow(lo, hi, this.o)));
        windows.push(window);
      }
      s.windows.set(metric, windows);
    }
    return windows;
  }

  /** Adds (1) or removes (-1) a sensor's counts and open alerts to or from a cell. */
  private count(cell: Cell, s: Tracked, sign: 1 | -1): void {
    cell.sensors += sign;
    if (sign > 0) increment(cell, s.status);
    else decrement(cell, s.status);
    for (let level = 0; level < 4; level++) cell.alerts[level]! += sign * s.openAlerts[level]!;
    this.touch(cell);
  }

  private move(s: Tracked, to: SensorStatus): void {
    const from = s.status;
    if (from === to) return;
    s.status = to;
    for (const cell of s.cells) {
      decrement(cell, from);
      increment(cell, to);
      this.touch(cell);
    }
    this.changedSensors.add(this.ids.get(s.id)!);
  }

  private advance(now: number): void {
    if (!(now > this.clock)) return;
    this.clock = now;
    const bucket = Math.floor(now / this.bucketMs);
    if (bucket === this.clockBucket) return;
    this.clockBucket = bucket;
    // A bucket left the window: every node with stats may have changed.
    for (const cell of this.cells.values())
      if (cell.metrics && cell.metrics.size > 0) this.touch(cell);
  }

  private touch(cell: Cell): void {
    if (cell.dirty) return;
    cell.dirty = true;
    this.changedCells.add(cell);
  }
}
