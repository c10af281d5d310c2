/** Limits per device: messages and payload bytes per second. 0 turns a limit off. */
export interface RateLimits {
  messagesPerSecond: number;
  bytesPerSecond: number;
  /** Seconds of traffic a device may send at once before it is slowed down. */
  burstSeconds?: number;
}

interface Bucket {
  messages: number;
  bytes: number;
  at: number;
}

/**
 * Token buckets per device. A device over its rate is not refused: its next publish waits
 * (the acknowledgement is delayed, and the broker stops reading its socket meanwhile), so a
 * flooding device slows itself down and loses nothing.
 */
export class DeviceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  throttled = 0;

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.burst = limits.burstSeconds ?? 2;
  }

  /** Milliseconds the publish must wait; 0 to go ahead. Takes the tokens either way. */
  delayFor(device: string, bytes: number): number {
    const { messagesPerSecond, bytesPerSecond } = this.limits;
    if (messagesPerSecond <= 0 && bytesPerSecond <= 0) return 0;
    const now = this.now();
    let bucket = this.buckets.get(device);
    if (!bucket) {
      bucket = {
        messages: messagesPerSecond * this.burst,
        bytes: bytesPerSecond * this.burst,
        at: now,
      };
      this.buckets.set(device, bucket);
    }
    const elapsedS = (now - bucket.at) / 1000;
    bucket.at = now;
    let waitMs = 0;
    if (messagesPerSecond > 0) {
      bucket.messages =
        Math.min(messagesPerSecond * this.burst, bucket.messages + elapsedS * messagesPerSecond) -
        1;
      if (bucket.messages < 0)
        waitMs = Math.max(waitMs, (-bucket.messages / messagesPerSecond) * 1000);
    }
    if (bytesPerSecond > 0) {
      bucket.bytes =
        Math.min(bytesPerSecond * this.burst, bucket.bytes + elapsedS * bytesPerSecond) - bytes;
      if (bucket.bytes < 0) waitMs = Math.max(waitMs, (-bucket.bytes / bytesPerSecond) * 1000);
    }
    if (waitMs > 0) this.throttled++;
    return waitMs;
  }

  /** Resolves when the publish may go ahead. */
  async take(device: string, bytes: number): Promise<void> {
    const waitMs = this.delayFor(device, bytes);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }

  forget(device: string): void {
    this.buckets.delete(device);
  }
}
