/** What a finding is about. */
export type FindingKind =
  | 'spike'
  | 'dip'
  | 'pattern_change'
  | 'level_shift'
  | 'variance_change'
  | 'drift'
  | 'out_of_range'
  | 'flatline'
  | 'missing';

/** One anomaly on one series, at one reading. */
export interface Finding {
  kind: FindingKind;
  /** 0..1; findings are reported from `reportScore` up. */
  score: number;
  /** The reading's time, epoch milliseconds. */
  tsMs: number;
  value: number;
  /** A sentence a person can act on. */
  explanation: string;
}

/** A finding placed on its series, as the stream stage reports it. */
export interface SeriesFinding extends Finding {
  device: string;
  metric: string;
}
