import { describe, expect, it } from 'vitest';
import { LAYERS } from './layers.ts';
import {
  colorAt,
  colorTable,
  findMetric,
  legendOf,
  METRICS,
  scaleFraction,
} from './layer-scales.ts';

describe('layer colour scales', () => {
  it('numbers every metric of every layer once', () => {
    expect(METRICS.length).toBe(LAYERS.reduce((n, l) => n + l.metrics.length, 0));
    expect(METRICS.length).toBeLessThan(256); // frames carry the index in one byte
    expect(findMetric('pm25')).toMatchObject({ layer: 'air', unit: 'ug/m3', index: 0 });
  });

  it('maps values onto the scale, clamped, with the first and last stops at its ends', () => {
    const pm25 = findMetric('pm25')!;
    expect(scaleFraction(pm25, -10)).toBe(0);
    expect(scaleFraction(pm25, 1e6)).toBe(1);
    expect(colorAt(['#000000', '#ffffff'], 0.5)).toEqual([0.5, 0.5, 0.5]);
    const table = colorTable(['#ff0000', '#0000ff'], 3);
    expect([...table]).toEqual([1, 0, 0, 0.5, 0, 0.5, 0, 0, 1]);
  });

  it('builds a legend in the metric unit from the normal range upwards', () => {
    const legend = legendOf('noise')!;
    expect(legend).toMatchObject({ metric: 'noise_db', unit: 'dB(A)', normal: [35, 75] });
    expect(legend.stops[0]).toEqual({ value: 35, color: '#1a9850' });
    expect(legend.stops.at(-1)).toEqual({ value: 95, color: '#d73027' });
    expect(legendOf('nope')).toBeUndefined();
  });
});
