import { describe, expect, it } from 'vitest';
import { centreOf } from './region-centre.ts';

describe('the centre of a region', () => {
  it('is the centroid of its area, whichever way the ring winds', () => {
    const square = [0, 0, 10, 0, 10, 10, 0, 10];
    expect(centreOf(square)).toEqual([5, 5]);
    expect(centreOf([0, 10, 10, 10, 10, 0, 0, 0])).toEqual([5, 5]);
    // An L: more area to the left and below, so the centre sits there.
    const [x, y] = centreOf([0, 0, 20, 0, 20, 10, 10, 10, 10, 20, 0, 20]);
    expect(x).toBeCloseTo(25 / 3);
    expect(y).toBeCloseTo(25 / 3);
  });

  it('falls back to the mean of the points for a ring without area', () => {
    expect(centreOf([0, 0, 4, 0, 8, 0])).toEqual([4, 0]);
  });
});
