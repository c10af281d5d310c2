import { LAYERS, type MetricSpec, type Reading } from '@sensegrid/twin';
import type { SeriesFinding } from './finding.ts';
import { missedIntervals, usualIntervalMs } from './cadence.ts';
import { formatDuration, formatNumber } from './explain.ts';
import type { DetectorOptions } from './options.ts';
import { createSeriesDetector, type SeriesDetector, type SeriesState } from './series-detector.ts';

export interface DetectorStageOptions {
  /** Called for every finding, in reading order. */
  onFinding: (finding: SeriesFinding) => void;
  /** The spec of a metric, for units and the physical range; default: the twin's layers. */
  metricSpec?: (metric: string, device: string) => MetricSpec | undefined;
  /** Detector tuning shared by every series (the metric is filled in per series). */
  detector?: Partial<DetectorOptions>;
  /** Most series tracked at once; past it the longest-tracked series is forgotten. */
  maxSeries?: number;
}

/** Runs one detector state per (device, metric) over a stream of readings. */
export interface DetectorStage {
  push(reading: Reading): void;
  /**
   * Reports series that have been silent for more than `missingIntervals` of their usual
   * interval at `nowMs` (a time taken from the readings, so replays agree), once per silence.
   */
  checkSilence(nowMs: number): void;
  readonly seriesCount: number;
}

interface Tracked {
  device: string;
  metric: string;
  detector: SeriesDetector;
  state: SeriesState;
  silenceReported: boolean;
}

const METRICS_BY_NAME = new Map(LAYERS.flatMap((layer) => layer.metrics.map((m) => [m.name, m])));

function defaultMetricSpec(metric: string): MetricSpec | undefined {
  return METRICS_BY_NAME.get(metric);
}

/** Wraps the series detector for many series; the gateway attaches it to ingest. */
export function createDetectorStage(options: DetectorStageOptions): DetectorStage {
  const { onFinding } = options;
  const metricSpec = options.metricSpec ?? defaultMetricSpec;
  const maxSeries = options.maxSeries ?? 100_000;
  const series = new Map<string, Tracked>();
  const detectors = new Map<MetricSpec | undefined, SeriesDetector>();

  function detectorFor(spec: MetricSpec | undefined): SeriesDetector {
    let detector = detectors.get(spec);
    if (!detector) {
      detector = createSeriesDetector({ ...options.detector, metric: spec });
      detectors.set(spec, detector);
    }
    return detector;
  }

  function track(device: string, metric: string): Tracked {
    const key = `${device}\u0000${metric}`;
    let tracked = series.get(key);
    if (!tracked) {
      if (series.size >= maxSeries) series.delete(series.keys().next().value!);
      const detector = detectorFor(metricSpec(metric, device));
      tracked = { device, metric, detector, state: detector.createState(), silenceReported: false };
      series.set(key, tracked);
    }
    return tracked;
  }

  return {
    push(reading) {
      for (const metric in reading.values) {
        const value = reading.values[metric]!;
        if (!Number.isFinite(value)) continue;
        const tracked = track(reading.device, metric);
        tracked.silenceReported = false;
        tracked.detector.step(tracked.state, reading.ts, value, metric);
        const finding = tracked.state.finding;
        if (finding) onFinding({ ...finding, device: reading.device, metric });
      }
    },
    checkSilence(nowMs) {
      for (const tracked of series.values()) {
        const { state, detector } = tracked;
        const missed = missedIntervals(state.cadence, nowMs);
        if (tracked.silenceReported || missed <= detector.options.missingIntervals) continue;
        tracked.silenceReported = true;
        const intervalMs = usualIntervalMs(state.cadence);
        onFinding({
          device: tracked.device,
          metric: tracked.metric,
          kind: 'missing',
          score: detector.options.missingScore,
          tsMs: nowMs,
          value: Number.NaN,
          explanation: `${tracked.metric}: no reading for ${formatDuration(missed * intervalMs)}, ${formatNumber(missed)} times its usual interval of ${formatDuration(intervalMs)}.`,
        });
      }
    },
    get seriesCount() {
      return series.size;
    },
  };
}
