import { encodeFrame, type Frame } from '@sensegrid/twin';
import type { TwinState } from './twin-state.ts';

export interface FramePublisherOptions {
  twin: TwinState;
  /** Sends one encoded frame to every console (fire and forget). */
  publish(bytes: Uint8Array): void;
  /** Time between frames, in ms: 100 (10 frames/s) by default, and never less. */
  intervalMs?: number;
  /** Time between region rollups in frames, in ms. 500 by default. */
  regionIntervalMs?: number;
  /** A frame with only the counters goes out at least this often, in ms. 1000 by default. */
  idleIntervalMs?: number;
  now?: () => number;
}

export interface FramePublisher {
  start(): void;
  stop(): void;
  /** Makes (and publishes, when due) the next frame now; returns it, or undefined if nothing changed. */
  tick(): Frame | undefined;
  /** The whole twin as one encoded snapshot, numbered with the last frame's seq. */
  snapshot(): Uint8Array;
  readonly stats: { frames: number; bytes: number };
}

/**
 * Coalesces every change into at most one frame per interval: however many readings arrive,
 * each console gets at most 10 frames per second with the latest state of what changed.
 */
export function createFramePublisher(options: FramePublisherOptions): FramePublisher {
  const { twin } = options;
  const now = options.now ?? Date.now;
  const intervalMs = Math.max(100, options.intervalMs ?? 100);
  const regionIntervalMs = options.regionIntervalMs ?? 500;
  const idleIntervalMs = options.idleIntervalMs ?? 1000;
  const pendingCells = new Set<string>();
  const totals: { at: number; total: number }[] = [];
  const stats = { frames: 0, bytes: 0 };
  let seq = 0;
  let lastRegions = -Infinity;
  let lastFrame = -Infinity;
  let timer: ReturnType<typeof setInterval> | undefined;

  const readingsPerSec = (at: number): number => {
    totals.push({ at, total: twin.readingsTotal });
    while (totals.length > 2 && totals[0]!.at < at - 1000) totals.shift();
    const first = totals[0]!;
    return at > first.at ? ((twin.readingsTotal - first.total) * 1000) / (at - first.at) : 0;
  };

  const tick = (): Frame | undefined => {
    const at = now();
    twin.sweep();
    const withRegions = at - lastRegions >= regionIntervalMs;
    const frame = twin.takeFrame(seq + 1, withRegions, pendingCells);
    if (withRegions) lastRegions = at;
    frame.readingsPerSec = readingsPerSec(at);
    const empty = frame.sensors.length === 0 && frame.regions.length === 0;
    if (empty && at - lastFrame < idleIntervalMs) return undefined;
    seq = frame.seq;
    lastFrame = at;
    const bytes = encodeFrame(frame);
    stats.frames++;
    stats.bytes += bytes.byteLength;
    options.publish(bytes);
    return frame;
  };

  return {
    start() {
      timer ??= setInterval(tick, intervalMs);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    tick,
    snapshot() {
      const frame = twin.snapshot(seq);
      frame.readingsPerSec = totals.length > 1 ? readingsPerSec(now()) : 0;
      return encodeFrame(frame);
    },
    stats,
  };
}
