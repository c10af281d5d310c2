import type { IncidentKind, IncidentLabel } from '@sensegrid/firmware-sim';
import type { Signal } from '../src/alerts/signal.ts';

/** Detector kinds a sudden city incident (a burst, a fire, a jam, an episode) can show. */
const SUDDEN = new Set([
  'spike',
  'dip',
  'level_shift',
  'out_of_range',
  'pattern_change',
  'drift',
  'variance_change',
]);
/** Every risk kind shows a city incident. */
const ANY_RISK = new Set(['concentrated', 'trending', 'emerging', 'cross_layer']);

/** Signal kinds that can show each incident kind. */
const DETECTOR_KINDS: Record<IncidentKind, ReadonlySet<string>> = {
  water_main_burst: SUDDEN,
  building_fire: SUDDEN,
  traffic_jam: SUDDEN,
  pollution_episode: SUDDEN,
  stuck_sensor: new Set(['flatline', 'variance_change']),
  sensor_drift: new Set(['drift', 'level_shift', 'spike', 'dip', 'pattern_change', 'out_of_range']),
  silent_device: new Set(['missing']),
};
const RISK_KINDS: Record<IncidentKind, ReadonlySet<string>> = {
  water_main_burst: ANY_RISK,
  building_fire: ANY_RISK,
  traffic_jam: ANY_RISK,
  pollution_episode: ANY_RISK,
  stuck_sensor: new Set(['emerging']),
  sensor_drift: new Set(['emerging', 'trending']),
  silent_device: new Set(['concentrated']),
};

/** Where the gateway placed each device: `system\0region` keys. */
export type RegionsOf = (device: string) => readonly string[];

export interface MatchOptions {
  /** Signals up to this long after an incident's end still count for it. */
  toleranceMs: number;
  regionsOf: RegionsOf;
}

export function isCompatible(kind: IncidentKind, signal: Signal): boolean {
  return (signal.source === 'risk' ? RISK_KINDS : DETECTOR_KINDS)[kind].has(signal.kind);
}

/** The label a signal detects, if any: one of its devices, or a region holding one. */
export function matchSignal(
  signal: Signal,
  labels: readonly IncidentLabel[],
  o: MatchOptions,
): IncidentLabel | undefined {
  const inWindow = (l: IncidentLabel) =>
    signal.tsMs >= l.startMs &&
    signal.tsMs <= l.endMs + o.toleranceMs &&
    isCompatible(l.kind, signal);
  const byDevice = labels.find(
    (l) => signal.device !== undefined && l.devices.includes(signal.device) && inWindow(l),
  );
  if (byDevice || !signal.region) return byDevice;
  const key = `${signal.region.system}\u0000${signal.region.id}`;
  return labels.find((l) => inWindow(l) && l.devices.some((d) => o.regionsOf(d).includes(key)));
}

/** The incident kind an unmatched signal would have claimed: the kind its precision counts against. */
export function attributeKind(signal: Signal): IncidentKind | 'other' {
  const layer = signal.layer.split('+')[0];
  // Layers no incident kind touches (weather, power, crowds, structures): their findings are
  // counted apart, as findings nobody labelled.
  if (!['water', 'noise', 'fire', 'traffic', 'air'].includes(layer!)) return 'other';
  if (signal.kind === 'missing') return 'silent_device';
  if (signal.kind === 'flatline') return 'stuck_sensor';
  if (signal.kind === 'drift') return 'sensor_drift';
  switch (layer) {
    case 'water':
    case 'noise':
      return 'water_main_burst';
    case 'fire':
      return 'building_fire';
    case 'traffic':
      return 'traffic_jam';
    case 'air':
      return 'pollution_episode';
    default:
      return 'other';
  }
}

export interface KindScore {
  incidents: number;
  detected: number;
  truePositives: number;
  falsePositives: number;
  /** Seconds from incident start to its first detection, per detected incident. */
  delaysS: number[];
}

export type Scores = Map<IncidentKind | 'other', KindScore>;

export function emptyScore(): KindScore {
  return { incidents: 0, detected: 0, truePositives: 0, falsePositives: 0, delaysS: [] };
}

/** Adds one run's signals and labels to `scores`; signals before `fromMs` are not scored. */
export function scoreRun(
  scores: Scores,
  signals: readonly Signal[],
  labels: readonly IncidentLabel[],
  fromMs: number,
  o: MatchOptions,
): void {
  const get = (kind: IncidentKind | 'other') => {
    let s = scores.get(kind);
    if (!s) scores.set(kind, (s = emptyScore()));
    return s;
  };
  const first = new Map<string, number>();
  for (const signal of signals) {
    if (signal.tsMs < fromMs || signal.clear) continue;
    const label = matchSignal(signal, labels, o);
    if (!label) {
      get(attributeKind(signal)).falsePositives++;
      continue;
    }
    get(label.kind).truePositives++;
    const before = first.get(label.id);
    if (before === undefined || signal.tsMs < before) first.set(label.id, signal.tsMs);
  }
  for (const label of labels) {
    const s = get(label.kind);
    s.incidents++;
    const at = first.get(label.id);
    if (at === undefined) continue;
    s.detected++;
    s.delaysS.push(Math.max(0, at - label.startMs) / 1000);
  }
}
