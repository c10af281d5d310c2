import { describe, expect, it } from 'vitest';
import type { CityData, CityRegion } from '../api.ts';
import { boundsOf, mergeRegionFills, parentOf, regionsInView } from './geometry.ts';

const square = (index: number, id: string, extra: Partial<CityRegion>, x = 0): CityRegion => ({
  index,
  id,
  name: id,
  ring: [x, 0, x + 10, 0, x + 10, 10, x, 10],
  ...extra,
});

const city = {
  regions: [
    square(0, 'city', { level: 'city' }),
    square(1, 'd01', { level: 'district', parent: 'city' }),
    square(2, 'd01-s1', { level: 'subdistrict', parent: 'd01' }),
    square(3, 'd01-s1-g1', { level: 'grid', parent: 'd01-s1', system: 'operations' }),
    square(4, 'pol-001', { system: 'policing' }),
    square(5, 'pol-002', { system: 'policing' }, 10),
  ],
  buildings: { id: ['b1'], grid: [3], x: [1], y: [1], w: [1], d: [1], a: [0], h: [10] },
} as unknown as CityData;

describe('regionsInView', () => {
  it('shows the children of the focus, a grid cell itself, and a building’s cell', () => {
    expect(regionsInView(city, 'hierarchy', 'city').map((r) => r.id)).toEqual(['d01']);
    expect(regionsInView(city, 'hierarchy', 'd01-s1').map((r) => r.id)).toEqual(['d01-s1-g1']);
    expect(regionsInView(city, 'hierarchy', 'd01-s1-g1').map((r) => r.id)).toEqual(['d01-s1-g1']);
    expect(regionsInView(city, 'hierarchy', 'b1').map((r) => r.id)).toEqual(['d01-s1-g1']);
  });

  it('shows every region of a grid system, whatever the focus', () => {
    expect(regionsInView(city, 'policing', 'd01').map((r) => r.id)).toEqual(['pol-001', 'pol-002']);
    expect(regionsInView(city, 'operations', 'city').map((r) => r.id)).toEqual(['d01-s1-g1']);
  });

  it('walks up from a building to the city', () => {
    expect(parentOf(city, 'b1')).toBe('d01-s1-g1');
    expect(parentOf(city, 'd01')).toBe('city');
    expect(parentOf(city, 'city')).toBeUndefined();
  });
});

describe('mergeRegionFills', () => {
  it('triangulates every region into one geometry and maps each triangle to its region', () => {
    const regions = regionsInView(city, 'policing', 'city');
    const { geometry, triangleRegion, vertexRange } = mergeRegionFills(regions, 1);
    expect(geometry.getAttribute('position').count).toBe(12);
    expect(triangleRegion).toEqual([0, 0, 1, 1]);
    expect(vertexRange).toEqual([
      [0, 6],
      [6, 6],
    ]);
    expect(boundsOf(regions.map((r) => r.ring))).toEqual([0, 0, 20, 10]);
  });
});
