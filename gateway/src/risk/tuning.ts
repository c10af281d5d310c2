/** The tuning of the risk analysis; times in ms of reading time. */
export interface RiskTuning {
  /** Window in which findings of one region and layer count as a cluster. */
  hotspotWindowMs: number;
  /** A cluster is concentrated risk when its Poisson tail probability is at most this. */
  hotspotMaxP: number;
  /** Prior of a region's rate: this many findings per `hotspotPriorMs` before any history. */
  hotspotPriorFindings: number;
  hotspotPriorMs: number;
  /** Readings of a series in the Theil-Sen window. */
  trendPoints: number;
  /** A trending risk warns when the limit is expected within this. */
  trendHorizonMs: number;
  /** Share of pairwise slopes that must agree in sign for the trend to count. */
  trendAgreement: number;
  /** Time over which a region learns which kinds of finding it has; new kinds after that are emerging. */
  noveltyLearnMs: number;
  /** Findings below this score are not new kinds (they are the noise of a quiet place). */
  noveltyMinScore: number;
  /** Bucket over which the city-wide median of a metric is taken, the reference of the shift test. */
  peerBucketMs: number;
  /** Fewest devices of a metric in a bucket for a peer median. */
  peerMinDevices: number;
  /** Readings of one hour of the day before that hour's usual residual counts. */
  cusumWarmupPoints: number;
  /** The residual's sigma is at least this share of the metric's normal span. */
  cusumFloorShare: number;
  /** CUSUM allowance and decision threshold, in robust sigmas. */
  cusumSlack: number;
  cusumThreshold: number;
  /** A standardised residual is clipped at this, so no single reading decides. */
  cusumClip: number;
  /** Window in which findings on different layers in one region count as one event. */
  crossLayerWindowMs: number;
  /** A risk already raised is raised again only after this, or when its score grows. */
  repeatAfterMs: number;
  /** A risk is current for this long after its latest evidence. */
  currentForMs: number;
  /** Most series the analysis tracks; past it the longest-tracked is forgotten. */
  maxSeries: number;
}

export const DEFAULT_RISK_TUNING: Readonly<RiskTuning> = Object.freeze({
  hotspotWindowMs: 30 * 60_000,
  hotspotMaxP: 1e-3,
  hotspotPriorFindings: 1,
  hotspotPriorMs: 24 * 3_600_000,
  trendPoints: 12,
  trendHorizonMs: 60 * 60_000,
  trendAgreement: 0.75,
  noveltyLearnMs: 24 * 3_600_000,
  noveltyMinScore: 0.7,
  peerBucketMs: 5 * 60_000,
  peerMinDevices: 5,
  cusumWarmupPoints: 20,
  cusumFloorShare: 0.03,
  cusumSlack: 0.5,
  cusumThreshold: 25,
  cusumClip: 3,
  crossLayerWindowMs: 30 * 60_000,
  repeatAfterMs: 60 * 60_000,
  currentForMs: 60 * 60_000,
  maxSeries: 100_000,
});
