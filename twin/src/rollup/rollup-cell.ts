// One node-and-layer cell of the rollups: its counts, its metric windows, its snapshot.
import type { RollupCounts } from './counts.ts';
import type { SensorStatus } from '../layer-scales.ts';
import type { MetricWindow } from './metric-window.ts';
import type { LayerRollup, MetricStats, SensorState } from './rollup-types.ts';

export class Cell {
  sensors = 0;
  online = 0;
  stale = 0;
  offline = 0;
  readonly alerts: RollupCounts['alerts'] = [0, 0, 0, 0];
  readonly metrics: Map<string, MetricWindow> | undefined;
  dirty = false;
  constructor(
    readonly node: string,
    readonly layer: string,
    stats: boolean,
  ) {
    this.metrics = stats ? new Map() : undefined;
  }
}

/** A sensor as the rollups track it: its state, its cells, its windows per metric. */
export interface Tracked extends SensorState {
  gaps: number;
  cells: Cell[];
  windows: Map<string, MetricWindow[]>;
}

/** The rollup of a cell as of the window's current bucket. */
export function snapshotCell(cell: Cell, clockBucket: number): LayerRollup {
  const metrics: MetricStats[] = [];
  if (cell.metrics) {
    for (const [metric, window] of cell.metrics) {
      const stats = window.stats(clockBucket);
      if (stats) metrics.push({ metric, ...stats });
    }
  }
  const { node, layer, sensors, online, stale, offline } = cell;
  return { node, layer, sensors, online, stale, offline, alerts: [...cell.alerts], metrics };
}

export function increment(cell: Cell, status: SensorStatus): void {
  if (status === 'online') cell.online++;
  else if (status === 'stale') cell.stale++;
  else cell.offline++;
}

export function decrement(cell: Cell, status: SensorStatus): void {
  if (status === 'online') cell.online--;
  else if (status === 'stale') cell.stale--;
  else cell.offline--;
}
