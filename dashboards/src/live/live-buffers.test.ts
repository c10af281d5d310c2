import { describe, expect, it } from 'vitest';
import { encodeFrame, findMetric, type Frame } from '@sensegrid/twin';
import { LiveBuffers } from './live-buffers.ts';

const frame = (seq: number, sensors: Frame['sensors'], extra: Partial<Frame> = {}): Uint8Array =>
  encodeFrame({
    seq,
    timeMs: 1_000_000,
    snapshot: false,
    sensorsVersion: 1,
    readingsTotal: 10,
    readingsPerSec: 5,
    devicesOnline: 1,
    devicesTotal: 3,
    sensors,
    regions: [],
    ...extra,
  });

describe('LiveBuffers', () => {
  const pm25 = findMetric('pm25')!.index;

  it('writes sensor status, time and values, and lists each changed sensor once', () => {
    const live = new LiveBuffers(3);
    live.applyFrame(
      frame(1, [{ index: 2, status: 'online', ts: 999_000, values: [[pm25, 12.5]] }]),
      1_000_040,
    );
    live.applyFrame(frame(2, [{ index: 2, status: 'stale', ts: 999_500, values: [] }]), 1_000_050);
    expect(live.status[2]).toBe(2);
    expect(live.ts[2]).toBe(999_500);
    expect(live.values[2 * live.metricCount + pm25]).toBe(12.5);
    const seen: number[] = [];
    expect(live.drainDirty((i) => seen.push(i))).toBe(1);
    expect(seen).toEqual([2]);
    expect(live.drainDirty(() => undefined)).toBe(0);
    expect(live.frameLatencyMs).toBeGreaterThan(0);
  });

  it('asks for a snapshot after a missed frame, and ignores frames older than what it has', () => {
    const live = new LiveBuffers(3);
    expect(live.applyFrame(frame(5, []), 0)).toBe('ok');
    expect(live.applyFrame(frame(4, []), 0)).toBe('stale');
    expect(live.applyFrame(frame(7, []), 0)).toBe('resync');
    expect(live.applyFrame(frame(8, [], { sensorsVersion: 2 }), 0)).toBe('resync');
    expect(live.applyFrame(frame(3, [], { snapshot: true, sensorsVersion: 2 }), 0)).toBe('ok');
  });

  it('keeps what it knows when the sensor table grows', () => {
    const live = new LiveBuffers(1);
    live.applyFrame(frame(1, [{ index: 0, status: 'online', values: [[pm25, 3]] }]), 0);
    live.resize(4);
    expect(live.size).toBe(4);
    expect(live.values[pm25]).toBe(3);
    expect(Number.isNaN(live.values[3 * live.metricCount + pm25])).toBe(true);
  });
});
