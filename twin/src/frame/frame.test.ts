/// <reference types="node" />
import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.ts';
import { SENSOR_STATUSES } from '../layer-scales.ts';
import { decodeFrame, encodeFrame, FrameFormatError, readFrame, type Frame } from './frame.ts';

const f32 = (v: number) => Math.fround(v);

function randomFrame(seed: number, sensors: number, regions: number): Frame {
  const random = createRandom(seed);
  const timeMs = 1_764_400_000_123;
  return {
    seq: 4_000_000_001,
    timeMs,
    snapshot: random() < 0.5,
    sensorsVersion: 7,
    readingsTotal: 123_456_789_012,
    readingsPerSec: f32(20_000.5),
    devicesOnline: 9_876,
    devicesTotal: 10_000,
    sensors: Array.from({ length: sensors }, (_, i) => ({
      index: i * 3,
      status: SENSOR_STATUSES[i % 4]!,
      ...(i % 5 === 0 ? {} : { ts: timeMs - Math.floor(random() * 600_000) }),
      values: Array.from(
        { length: i % 4 },
        (_, k) => [k * 2 + 1, f32((random() - 0.5) * 1000)] as [number, number],
      ),
    })),
    regions: Array.from({ length: regions }, (_, i) => ({
      region: i,
      layer: i % 10,
      sensors: 100 + i,
      online: 90,
      stale: 4,
      offline: 6 + i,
      alerts: [1, 0, 2, 65_535],
      metrics: Array.from({ length: i % 3 }, (_, k) => ({
        metric: k,
        count: 1000 * k,
        mean: f32(12.5),
        min: f32(-3.25),
        max: f32(99.75),
        p95: f32(80.125),
      })),
    })),
  };
}

describe('frame encoding', () => {
  it('round-trips a frame with sensors, values and region rollups', () => {
    const frame = randomFrame(1, 500, 40);
    expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
  });

  it('round-trips empty frames and single sensors', () => {
    for (const [sensors, regions] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [3, 3],
    ] as const) {
      const frame = randomFrame(sensors * 10 + regions, sensors, regions);
      expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
    }
  });

  it('reads frames that start at an odd offset of a larger buffer (as sockets deliver them)', () => {
    const frame = randomFrame(3, 33, 5);
    const bytes = encodeFrame(frame);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(decodeFrame(padded.subarray(3))).toEqual(frame);
    const pooled = Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(bytes)]).subarray(3);
    expect(decodeFrame(pooled)).toEqual(frame);
  });

  it('keeps a 10,000-sensor frame compact: under 35 bytes per sensor with three values', () => {
    const frame = randomFrame(4, 10_000, 0);
    for (const s of frame.sensors)
      s.values = [
        [0, 1],
        [1, 2],
        [2, 3],
      ];
    expect(encodeFrame(frame).byteLength / 10_000).toBeLessThan(35);
  });

  it('gives sensor columns as typed arrays without per-sensor objects', () => {
    const view = readFrame(encodeFrame(randomFrame(5, 100, 0)));
    expect(view.sensors.index).toBeInstanceOf(Uint32Array);
    expect(view.sensors.value).toBeInstanceOf(Float32Array);
    expect(view.sensors.count).toBe(100);
  });

  it('refuses bytes that are not a frame, or a truncated one, with a coded error', () => {
    expect(() => readFrame(new Uint8Array(10))).toThrow(FrameFormatError);
    expect(() => readFrame(new Uint8Array(64))).toThrow(/bad magic/);
    const bytes = encodeFrame(randomFrame(6, 50, 5));
    expect(() => readFrame(bytes.subarray(0, bytes.length - 10))).toThrow(/truncated/);
  });
});
