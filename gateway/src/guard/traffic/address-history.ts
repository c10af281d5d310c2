/** The addresses one client id connected from lately, at most `MAX_ADDRESSES`. */
export interface AddressSeen {
  address: string;
  /** Connections from it open now. */
  open: number;
  /** Latest connect or disconnect, epoch ms. */
  lastMs: number;
}

const MAX_ADDRESSES = 4;

/**
 * Records a connection of a client id from `address`. Returns the other address it is used
 * from at the same time, or was within `windowMs`, when there is one.
 */
export function connectFrom(
  seen: AddressSeen[],
  address: string,
  nowMs: number,
  windowMs: number,
): AddressSeen | undefined {
  let other: AddressSeen | undefined;
  let own: AddressSeen | undefined;
  for (const entry of seen) {
    if (entry.address === address) own = entry;
    else if (entry.open > 0 || nowMs - entry.lastMs <= windowMs) {
      if (!other || entry.open > other.open || entry.lastMs > other.lastMs) other = entry;
    }
  }
  if (!own) {
    if (seen.length >= MAX_ADDRESSES) seen.splice(oldestIndex(seen), 1);
    own = { address, open: 0, lastMs: nowMs };
    seen.push(own);
  }
  own.open++;
  own.lastMs = nowMs;
  return other;
}

/** Records the end of a connection from `address`. */
export function disconnectFrom(seen: AddressSeen[], address: string, nowMs: number): void {
  const entry = seen.find((e) => e.address === address);
  if (!entry) return;
  entry.open = Math.max(entry.open - 1, 0);
  entry.lastMs = nowMs;
}

function oldestIndex(seen: AddressSeen[]): number {
  let oldest = 0;
  for (let i = 1; i < seen.length; i++) {
    if (seen[i]!.open === 0 && (seen[oldest]!.open > 0 || seen[i]!.lastMs < seen[oldest]!.lastMs))
      oldest = i;
  }
  return oldest;
}
