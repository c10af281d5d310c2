import type { RiskTuning } from './tuning.ts';

const SLOTS = 24;
const HOUR_MS = 3_600_000;

/**
 * A two-sided CUSUM on one series' standardised residual from its peers, with the residual's
 * usual value learnt per hour of the day (a sensor may sit above its peers at night and below
 * them at noon): small persistent shifts add up, while one reading (clipped) cannot decide.
 */
export interface Cusum {
  /** Usual residual per hour of the day, and how many readings taught it. */
  slotMean: Float64Array;
  slotCount: Uint16Array;
  /** Mean absolute deviation of the residual from its hour's usual value, per hour. */
  slotSpread: Float64Array;
  points: number;
  high: number;
  low: number;
}

export function createCusum(): Cusum {
  return {
    slotMean: new Float64Array(SLOTS),
    slotCount: new Uint16Array(SLOTS),
    slotSpread: new Float64Array(SLOTS),
    points: 0,
    high: 0,
    low: 0,
  };
}

export interface ShiftAlarm {
  direction: 'up' | 'down';
  /** The cumulative sum that passed the threshold, in sigmas. */
  sum: number;
  /** The residual's usual spread, in the metric's unit. */
  spread: number;
}

/**
 * Adds one residual at `tsMs`; returns an alarm when a persistent shift is established (the
 * baseline is then learnt afresh, so a step is reported once and a drift as it goes on).
 */
export function stepCusum(
  c: Cusum,
  tsMs: number,
  residual: number,
  t: RiskTuning,
  floorSigma: number,
): ShiftAlarm | undefined {
  const slot = Math.floor(tsMs / HOUR_MS) % SLOTS;
  const count = c.slotCount[slot]!;
  const deviation = residual - c.slotMean[slot]!;
  const learning = count < t.cusumWarmupPoints;
  const sigma = Math.max(c.slotSpread[slot]! * 1.25, floorSigma, 1e-9);
  const z = Math.max(-t.cusumClip, Math.min(t.cusumClip, deviation / sigma));
  // The baseline learns from readings near it only, so a shift being accumulated is not
  // learnt away.
  if (learning || Math.abs(z) < 1.5) {
    c.slotMean[slot]! += Math.max(1 / (count + 1), 0.005) * deviation;
    if (count < 65535) c.slotCount[slot] = count + 1;
  }
  // The spread learns from every reading, clipped (Huber), so it is not biased low; per
  // hour, as rush hours scatter more than nights.
  c.points++;
  const clipped = learning
    ? Math.abs(deviation)
    : Math.min(Math.abs(deviation), t.cusumClip * sigma);
  c.slotSpread[slot]! += Math.max(1 / (count + 1), 0.005) * (clipped - c.slotSpread[slot]!);
  if (learning) return undefined;
  c.high = Math.max(0, c.high + z - t.cusumSlack);
  c.low = Math.max(0, c.low - z - t.cusumSlack);
  if (c.high <= t.cusumThreshold && c.low <= t.cusumThreshold) return undefined;
  const alarm: ShiftAlarm = {
    direction: c.high > c.low ? 'up' : 'down',
    sum: Math.max(c.high, c.low),
    spread: sigma,
  };
  Object.assign(c, createCusum());
  return alarm;
}

/**
 * The city-wide median of each metric per time bucket: the reference a series' residual is
 * taken against, so what every sensor shares (the day's rhythm, the weather) cancels out.
 */
export interface PeerMedians {
  /** Records a value; returns the median of the previous complete bucket, if known. */
  reference(metric: string, device: string, tsMs: number, x: number): number | undefined;
}

export function createPeerMedians(t: RiskTuning): PeerMedians {
  const byMetric = new Map<
    string,
    { bucket: number; values: Map<string, number>; median: number | undefined }
  >();
  return {
    reference(metric, device, tsMs, x) {
      const bucket = Math.floor(tsMs / t.peerBucketMs);
      let peers = byMetric.get(metric);
      if (!peers) byMetric.set(metric, (peers = { bucket, values: new Map(), median: undefined }));
      if (bucket > peers.bucket) {
        peers.median =
          bucket === peers.bucket + 1 && peers.values.size >= t.peerMinDevices
            ? medianOf([...peers.values.values()])
            : undefined;
        peers.bucket = bucket;
        peers.values.clear();
      }
      if (bucket === peers.bucket) peers.values.set(device, x);
      return peers.median;
    },
  };
}

function medianOf(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
