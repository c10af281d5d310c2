import { describe, expect, it } from 'vitest';
import { polygonOf } from '../geo/polygon.ts';
import { createRegionIndex, type GridRegion } from './grid-system.ts';

const square = (id: string, w: number, s: number, e: number, n: number): GridRegion => ({
  id,
  name: id,
  polygon: polygonOf([
    [w, s],
    [e, s],
    [e, n],
    [w, n],
  ]),
});

describe('createRegionIndex', () => {
  const regions = [
    square('west', 0, 0, 1, 1),
    square('east', 1, 0, 2, 1),
    square('north', 0, 1, 2, 2),
  ];
  const index = createRegionIndex(regions);

  it('places a point inside a region in that region', () => {
    expect(index.locate(0.5, 0.5)).toBe(0);
    expect(index.locate(1.5, 0.5)).toBe(1);
    expect(index.locate(1.9, 1.9)).toBe(2);
  });

  it('places a device on a shared border in exactly one region, the one listed first', () => {
    expect(index.locate(1, 0.5)).toBe(0);
    expect(index.locate(0.5, 1)).toBe(0);
    expect(index.locate(1.5, 1)).toBe(1);
    expect(index.locate(1, 1)).toBe(0);
    const reversed = createRegionIndex([...regions].reverse());
    expect(reversed.locate(1, 0.5)).toBe(1); // 'east' is listed before 'west' now
  });

  it('places a device outside every polygon nowhere', () => {
    expect(index.locate(-0.1, 0.5)).toBe(-1);
    expect(index.locate(3, 3)).toBe(-1);
    expect(createRegionIndex([]).locate(0, 0)).toBe(-1);
  });

  it('respects holes and concave outlines, not just bounding boxes', () => {
    const ring: GridRegion = {
      id: 'ring',
      name: 'ring',
      polygon: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [4, 0],
            [4, 4],
            [0, 4],
            [0, 0],
          ],
          [
            [1, 1],
            [1, 3],
            [3, 3],
            [3, 1],
            [1, 1],
          ],
        ],
      },
    };
    const ell = polygonOf([
      [10, 0],
      [12, 0],
      [12, 1],
      [11, 1],
      [11, 2],
      [10, 2],
    ]);
    const holed = createRegionIndex([ring, { id: 'ell', name: 'ell', polygon: ell }]);
    expect(holed.locate(2, 2)).toBe(-1);
    expect(holed.locate(0.5, 2)).toBe(0);
    expect(holed.locate(11.5, 1.5)).toBe(-1);
    expect(holed.locate(10.5, 1.5)).toBe(1);
  });
});
