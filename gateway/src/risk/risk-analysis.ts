import type { Reading } from '@sensegrid/twin';
import { createCrossLayerTracker } from './cross-layer.ts';
import { createCusum, createPeerMedians, stepCusum, type Cusum } from './cusum.ts';
import { formatAmount, formatClock, formatMinutes, formatP, placeName } from './explain.ts';
import { createHotspotTracker } from './hotspot.ts';
import { DEFAULT_LIMITS, familyOf, normalSpan, type MetricLimit } from './limits.ts';
import { createNoveltyTracker } from './novelty.ts';
import { createRiskBoard } from './risk-board.ts';
import { addPoint, createTrendWindow, expectCrossing, type TrendWindow } from './trend.ts';
import { DEFAULT_RISK_TUNING, type RiskTuning } from './tuning.ts';
import type { Risk, RiskFinding, RiskPlace } from './types.ts';

export interface RiskAnalysisOptions {
  /** Where a device sits (layer and its region in every grid system); undefined: unplaced. */
  placeOf(device: string): RiskPlace | undefined;
  /** Called for every risk raised (and again when it grows, or after `repeatAfterMs`). */
  onRisk?: (risk: Risk) => void;
  tuning?: Partial<RiskTuning>;
  /** Limits per metric for trending risk; the twin's normal ranges by default. */
  limits?: ReadonlyMap<string, MetricLimit>;
}

/**
 * Risk analysis over the twin: concentrated, trending, emerging and cross-layer risks, per
 * region of every grid system. Pure and deterministic: time comes from readings and
 * findings, and memory is bounded by the series, regions and windows it tracks.
 */
export interface RiskAnalysis {
  addFinding(finding: RiskFinding): void;
  addReadings(readings: readonly Reading[]): void;
  /** Risks whose evidence is recent, as of the newest time seen; strongest first. */
  current(): Risk[];
}

/** Kinds that speak of the sensor, not of the city: no new-kind or cross-layer risk from them. */
const DEVICE_FAULTS = new Set(['missing', 'flatline']);

interface Series {
  trend: TrendWindow;
  cusum: Cusum;
}

export function createRiskAnalysis(options: RiskAnalysisOptions): RiskAnalysis {
  const tuning: RiskTuning = { ...DEFAULT_RISK_TUNING, ...options.tuning };
  const limits = options.limits ?? DEFAULT_LIMITS;
  const board = createRiskBoard(tuning, options.onRisk);
  const hotspots = createHotspotTracker(tuning);
  const novelty = createNoveltyTracker(tuning.noveltyLearnMs);
  const crossLayer = createCrossLayerTracker(tuning.crossLayerWindowMs);
  const peers = createPeerMedians(tuning);
  const series = new Map<string, Series>();

  function track(device: string, metric: string): Series {
    const key = `${device}\u0000${metric}`;
    let s = series.get(key);
    if (!s) {
      if (series.size >= tuning.maxSeries) series.delete(series.keys().next().value!);
      s = { trend: createTrendWindow(tuning.trendPoints), cusum: createCusum() };
      series.set(key, s);
    }
    return s;
  }

  function addFinding(f: RiskFinding): void {
    const place = options.placeOf(f.device);
    if (!place) return;
    const fault = DEVICE_FAULTS.has(f.kind);
    const family = familyOf(place.layer, f.metric);
    for (const region of place.regions) {
      const where = `${region.system}\u0000${region.id}`;
      const cluster = hotspots.add(`${where}\u0000${place.layer}`, f.device, f.tsMs);
      if (cluster.count >= 2 && cluster.p <= tuning.hotspotMaxP) {
        const strength = -Math.log10(Math.max(cluster.p, 1e-300));
        board.raise({
          kind: 'concentrated',
          region,
          layer: place.layer,
          score: Math.min(1, 0.5 + (strength + Math.log10(tuning.hotspotMaxP)) / 10),
          tsMs: f.tsMs,
          explanation:
            `${cluster.count} ${place.layer} sensors in ${placeName(region)} reported findings within ` +
            `${formatMinutes(tuning.hotspotWindowMs)}; this place usually has ${formatAmount(cluster.expected)} ` +
            `in that time (p = ${formatP(cluster.p)}).`,
        });
      }
      if (fault) continue;
      if (
        f.score >= tuning.noveltyMinScore &&
        novelty.isNew(where, `${place.layer}:${f.kind}`, f.tsMs)
      ) {
        board.raise({
          kind: 'emerging',
          region,
          layer: place.layer,
          device: f.device,
          metric: f.metric,
          score: f.score,
          tsMs: f.tsMs,
          explanation:
            `First ${f.kind.replace('_', ' ')} on ${place.layer} in ${placeName(region)} ` +
            `(${f.metric} of ${f.device}): a kind of finding this place has not had before.`,
        });
      }
      const joint = crossLayer.add(where, family, place.layer, f.score, f.tsMs);
      if (joint) {
        board.raise({
          kind: 'cross_layer',
          region,
          layer: joint.layers.join('+'),
          score: joint.score,
          tsMs: f.tsMs,
          explanation:
            `${joint.families.join(' and ')} findings together in ${placeName(region)} within ` +
            `${formatMinutes(tuning.crossLayerWindowMs)}: one event across layers, more likely real than either alone.`,
        });
      }
    }
  }

  function addReading(reading: Reading): void {
    let place: RiskPlace | undefined;
    for (const metric in reading.values) {
      const x = reading.values[metric]!;
      if (!Number.isFinite(x)) continue;
      place ??= options.placeOf(reading.device);
      if (!place) return;
      const s = track(reading.device, metric);
      addPoint(s.trend, reading.ts, x);
      const limit = limits.get(metric);
      const crossing = limit
        ? expectCrossing(s.trend, limit, tuning.trendHorizonMs, tuning.trendAgreement)
        : undefined;
      if (crossing && limit) {
        const etaMs = crossing.atMs - reading.ts;
        for (const region of place.regions) {
          board.raise({
            kind: 'trending',
            region,
            layer: place.layer,
            device: reading.device,
            metric,
            score: 0.5 + 0.5 * Math.max(0, 1 - etaMs / tuning.trendHorizonMs),
            tsMs: reading.ts,
            expectedAtMs: Math.round(crossing.atMs),
            explanation:
              `${metric} in ${placeName(region)} (${reading.device}) ${crossing.side === 'upper' ? 'rising' : 'falling'} ` +
              `${formatAmount(Math.abs(crossing.slopePerHour))} ${limit.unit} per hour; expected to pass ` +
              `${formatAmount(crossing.limit)} at ${formatClock(crossing.atMs, reading.ts)}.`,
          });
        }
      }
      const reference = peers.reference(metric, reading.device, reading.ts, x);
      if (reference === undefined) continue;
      const floor = normalSpan(metric) * tuning.cusumFloorShare;
      const shift = stepCusum(s.cusum, reading.ts, x - reference, tuning, floor);
      if (!shift) continue;
      for (const region of place.regions) {
        board.raise({
          kind: 'emerging',
          region,
          layer: place.layer,
          device: reading.device,
          metric,
          score: Math.min(1, 0.5 + shift.sum / (4 * tuning.cusumThreshold)),
          tsMs: reading.ts,
          explanation:
            `${metric} of ${reading.device} in ${placeName(region)} has drifted ${shift.direction} from ` +
            `its peers for a while (cumulative ${formatAmount(shift.sum)} sigmas of ${formatAmount(shift.spread)} ` +
            `${limit?.unit ?? ''}); no single reading stood out.`.replace(' )', ')'),
        });
      }
    }
  }

  return {
    addFinding,
    addReadings(readings) {
      for (const reading of readings) addReading(reading);
    },
    current: () => board.current(),
  };
}
