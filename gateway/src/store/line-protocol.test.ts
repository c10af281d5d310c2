import { describe, expect, it } from 'vitest';
import { escapeKey, toLine, toLineBatches } from './line-protocol.ts';
import { makeReadings, T0 } from './contract.ts';

describe('line protocol', () => {
  it('escapes commas, equals signs and spaces in tag values and keys', () => {
    expect(escapeKey('Old Town, North=1')).toBe('Old\\ Town\\,\\ North\\=1');
  });

  it('writes line breaks in tag values as escapes so the line stays one line', () => {
    expect(escapeKey('a\nb\tc')).toBe('a\\nb\\tc');
  });

  it('leaves device ids with colons, dots, dashes and underscores as they are', () => {
    expect(escapeKey('site:7.air-0001_b')).toBe('site:7.air-0001_b');
  });

  it('writes the device tag, the known placement tags, float metrics and an integer seq', () => {
    const line = toLine({
      device: 'air-1',
      ts: T0,
      seq: 9,
      values: { pm25: 12.5, noise_db: 54 },
      tags: { layer: 'air', district: 'Harbour', grid: 'g-1' },
    });
    expect(line).toBe(
      `readings,device=air-1,district=Harbour,grid=g-1,layer=air pm25=12.5,noise_db=54,seq=9i ${T0}`,
    );
  });

  it('leaves out empty tags and values that are not finite', () => {
    const line = toLine({
      device: 'air-1',
      ts: T0,
      values: { pm25: Number.NaN, pm10: Infinity, no2: 4 },
      tags: { district: '' },
    });
    expect(line).toBe(`readings,device=air-1 no2=4 ${T0}`);
  });

  it('writes nothing for a reading with neither values nor seq', () => {
    expect(toLine({ device: 'air-1', ts: T0, values: {}, tags: {} })).toBeUndefined();
  });

  it('rounds a fractional timestamp to the millisecond', () => {
    expect(toLine({ device: 'a', ts: T0 + 0.6, values: { x: 1 }, tags: {} })).toMatch(
      / 1764400000001$/,
    );
  });

  it('splits lines into bodies of at most the given number of lines, in order', () => {
    const bodies = toLineBatches(makeReadings('air-1', 12), 5);
    expect(bodies.map(({ lines }) => lines)).toEqual([5, 5, 2]);
    const lines = bodies.flatMap(({ body }) => body.split('\n'));
    expect(lines.map((line) => line.split(' ')[2])).toEqual(
      Array.from({ length: 12 }, (_, i) => String(T0 + i * 1000)),
    );
  });
});
