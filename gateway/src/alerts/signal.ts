/**
 * What the alert loop takes in: one observation that something is wrong (or no longer wrong)
 * somewhere. Series findings, risk findings and the traffic monitor all become signals.
 */
export interface Signal {
  /** Who raised it. */
  source: 'detector' | 'risk' | 'traffic';
  /** The finding's kind: `spike`, `concentrated`, `flood`, ... */
  kind: string;
  /** Sensing layer id (`air`, `water`, ... `netsec` for the traffic monitor). */
  layer: string;
  /** The device it is about, when it is about one. */
  device?: string;
  metric?: string;
  /** A region it is about (risk findings), as `system` + region id, when not about a device. */
  region?: { system: string; id: string };
  /** 0..1. */
  score: number;
  /** Time of the observation, epoch ms, from the readings (never the wall clock). */
  tsMs: number;
  /** A sentence a person can act on. */
  explanation: string;
  /** True when the condition is over (e.g. a device that was silent reports again). */
  clear?: boolean;
}

/** Where signals go; the alert loop provides one. */
export type SignalSink = (signal: Signal) => void;
