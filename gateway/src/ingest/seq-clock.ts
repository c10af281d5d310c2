/** How many recent seqs are remembered per device. */
const REMEMBERED_PER_DEVICE = 64;
/** A retransmission arrives within this of the original; older seqs are a restarted counter. */
const RECALL_WINDOW_MS = 10 * 60 * 1000;

interface Ring {
  seqs: Float64Array;
  times: Float64Array;
  next: number;
}

/**
 * Remembers the time given to each device's recent seqs, so that a retransmitted reading
 * without its own timestamp gets the time of the original and is stored once, not twice.
 */
export class SeqClock {
  private readonly rings = new Map<string, Ring>();

  remember(device: string, seq: number, ts: number): void {
    let ring = this.rings.get(device);
    if (!ring) {
      ring = {
        seqs: new Float64Array(REMEMBERED_PER_DEVICE).fill(-1),
        times: new Float64Array(REMEMBERED_PER_DEVICE),
        next: 0,
      };
      this.rings.set(device, ring);
    }
    ring.seqs[ring.next] = seq;
    ring.times[ring.next] = ts;
    ring.next = (ring.next + 1) % REMEMBERED_PER_DEVICE;
  }

  /** The time the seq was stored with, if it was seen lately. */
  recall(device: string, seq: number, receivedAt: number): number | undefined {
    const ring = this.rings.get(device);
    if (!ring) return undefined;
    for (let i = 0; i < REMEMBERED_PER_DEVICE; i++) {
      if (ring.seqs[i] === seq) {
        const ts = ring.times[i]!;
        return Math.abs(receivedAt - ts) <= RECALL_WINDOW_MS ? ts : undefined;
      }
    }
    return undefined;
  }
}
