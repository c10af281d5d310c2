/** The four kinds of risk the analysis finds across sensors and regions. */
export type RiskKind = 'concentrated' | 'trending' | 'emerging' | 'cross_layer';

/** A region of one grid system (`district` for the administrative districts). */
export interface RiskRegion {
  system: string;
  id: string;
  name: string;
}

/** Where a device sits: its sensing layer and its region in every grid system. */
export interface RiskPlace {
  layer: string;
  regions: readonly RiskRegion[];
}

/** One risk in one region of one grid system. */
export interface Risk {
  kind: RiskKind;
  region: RiskRegion;
  /** Sensing layer; a cross-layer risk names its layers joined by `+`. */
  layer: string;
  /** The device and metric, for risks of one series (trending, a persistent shift). */
  device?: string;
  metric?: string;
  /** 0..1; a cross-layer risk scores above each of its findings alone. */
  score: number;
  /** Time of the evidence, epoch ms, from the readings. */
  tsMs: number;
  /** For trending risks: when the metric is expected to pass its limit, epoch ms. */
  expectedAtMs?: number;
  /** A sentence a person can act on. */
  explanation: string;
}

/** A detector finding as the risk analysis takes it in. */
export interface RiskFinding {
  device: string;
  metric: string;
  kind: string;
  score: number;
  tsMs: number;
}
