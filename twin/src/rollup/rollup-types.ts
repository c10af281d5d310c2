// The shapes the rollups take and give: options, sensor state and per-node layer rollups.
import type { RollupCounts } from './counts.ts';
import type { SensorStatus } from '../layer-scales.ts';
import type { WindowStats } from './metric-window.ts';

export interface RollupOptions {
  /** Length of the sliding window of metric stats, in ms. 5 minutes by default. */
  windowMs?: number;
  /** Buckets the window slides by. 6 by default (50 s each for 5 minutes). */
  buckets?: number;
  /** Histogram bins for the p95 estimate. 32 by default. */
  bins?: number;
  /** A sensor turns stale after this many of its usual intervals without a reading. 3 by default. */
  staleAfterIntervals?: number;
  /** Never stale sooner than this after the last reading, in ms. 5,000 by default. */
  minStaleMs?: number;
  /** The interval assumed until a sensor has sent two readings, in ms. 60,000 by default. */
  defaultIntervalMs?: number;
}

export interface MetricStats extends WindowStats {
  metric: string;
}

/** The rollup of one node (hierarchy node, grid-system region or building) and one layer. */
export interface LayerRollup extends RollupCounts {
  node: string;
  layer: string;
  /** Metric stats over the window; empty for nodes kept without stats (buildings). */
  metrics: MetricStats[];
}

/** A node a sensor counts towards; `stats: false` keeps counts only (cheaper, for buildings). */
export interface RollupNode {
  id: string;
  stats: boolean;
}

/** The live state of one sensor as the rollups see it. */
export interface SensorState {
  id: string;
  layer: string;
  status: SensorStatus;
  /** Receive time of the last reading, epoch ms. */
  lastSeen?: number;
  /** Timestamp of the last reading, epoch ms. */
  lastTs?: number;
  /** The sensor's usual time between readings, in ms (a moving average). */
  intervalMs: number;
  /** The last value of each metric. */
  latest: Map<string, number>;
  /** Open alerts on the sensor by severity, worst first. */
  openAlerts: RollupCounts['alerts'];
}
