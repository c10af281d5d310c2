import { describe, expect, it } from 'vitest';
import type { CityData, SensorTableData } from '../api.ts';
import { BUILDING_TRIANGLES, buildingOfFace, mergeBuildings } from './building-geometry.ts';
import { insideRing, litBuildings } from './building-highlight.ts';
import { visibleSensorIndex } from './sensor-geometry.ts';

const buildings: CityData['buildings'] = {
  id: ['b1', 'b2', 'b3'],
  grid: [3, 3, 4],
  x: [5, 15, 25],
  y: [5, 5, 5],
  w: [4, 2, 2],
  d: [2, 2, 2],
  a: [0, 0.7, 0],
  h: [30, 10, 10],
};

describe('mergeBuildings', () => {
  it('makes ten outward-facing triangles over eight corners per building', () => {
    const geometry = mergeBuildings(buildings);
    const p = geometry.getAttribute('position').array;
    const index = geometry.index!.array;
    expect(p.length).toBe(3 * 8 * 3);
    expect(index.length).toBe(3 * BUILDING_TRIANGLES * 3);
    // b1's first corner: x - w/2 east, on the ground, d/2 north of -y in scene z.
    expect([p[0], p[1], p[2]]).toEqual([3, 0, -6]);
    expect([4, 5, 6, 7].map((c) => p[c * 3 + 1])).toEqual([30, 30, 30, 30]);
    for (let t = 0; t < index.length / 3; t++) {
      const b = buildingOfFace(t);
      const [cx, cy, cz] = [buildings.x[b]!, buildings.h[b]! / 2, -buildings.y[b]!];
      const v = [0, 1, 2].map((k) => {
        const i = index[t * 3 + k]!;
        return [p[i * 3]!, p[i * 3 + 1]!, p[i * 3 + 2]!];
      }) as [number, number, number][];
      const e1 = v[1]!.map((c, k) => c - v[0]![k]!);
      const e2 = v[2]!.map((c, k) => c - v[0]![k]!);
      const normal = [
        e1[1]! * e2[2]! - e1[2]! * e2[1]!,
        e1[2]! * e2[0]! - e1[0]! * e2[2]!,
        e1[0]! * e2[1]! - e1[1]! * e2[0]!,
      ];
      const out = [v[0]![0] - cx, v[0]![1] - cy, v[0]![2] - cz];
      expect(normal[0]! * out[0]! + normal[1]! * out[1]! + normal[2]! * out[2]!).toBeGreaterThan(0);
    }
  });
});

describe('litBuildings', () => {
  const square = (x0: number, y0: number, x1: number, y1: number) => [
    x0,
    y0,
    x1,
    y0,
    x1,
    y1,
    x0,
    y1,
  ];
  const city = {
    regions: [
      { index: 0, id: 'city', name: 'City', level: 'city', ring: square(0, 0, 40, 10) },
      {
        index: 1,
        id: 'd01',
        name: 'D1',
        level: 'district',
        parent: 'city',
        ring: square(0, 0, 40, 10),
      },
      {
        index: 2,
        id: 'd01-s1',
        name: 'S1',
        level: 'subdistrict',
        parent: 'd01',
        ring: square(0, 0, 40, 10),
      },
      {
        index: 3,
        id: 'g1',
        name: 'G1',
        level: 'grid',
        parent: 'd01-s1',
        system: 'operations',
        ring: square(0, 0, 20, 10),
      },
      {
        index: 4,
        id: 'g2',
        name: 'G2',
        level: 'grid',
        parent: 'd01-s1',
        system: 'operations',
        ring: square(20, 0, 40, 10),
      },
      { index: 5, id: 'beat-1', name: 'Beat 1', system: 'policing', ring: [10, 0, 30, 0, 20, 10] },
    ],
    buildings,
  } as unknown as CityData;

  it('lights the buildings of a hierarchy node’s grid cells', () => {
    expect([...litBuildings(city, 'd01-s1')]).toEqual([1, 1, 1]);
    expect([...litBuildings(city, 'g1')]).toEqual([1, 1, 0]);
    expect([...litBuildings(city, 'city')]).toEqual([0, 0, 0]);
  });

  it('lights the buildings inside a region of another grid system', () => {
    // The triangle (10,0) (30,0) (20,10) holds b2's centre (15,5) only.
    expect([...litBuildings(city, 'beat-1')]).toEqual([0, 1, 0]);
    expect([...litBuildings(city, 'nowhere')]).toEqual([0, 0, 0]);
    expect(insideRing(square(0, 0, 1, 1), 0.5, 0.5)).toBe(true);
    expect(insideRing(square(0, 0, 1, 1), 1.5, 0.5)).toBe(false);
  });
});

describe('visibleSensorIndex', () => {
  it('leaves out unplaced sensors and hidden layers', () => {
    const table = {
      id: ['a', 'b', 'c', 'd'],
      layer: ['air', 'noise', 'air', 'air'],
      x: [1, 2, null, 4],
      y: [1, 2, null, 4],
      z: [0, 0, 0, 0],
    } as unknown as SensorTableData;
    expect([...visibleSensorIndex(table, {}).array]).toEqual([0, 1, 3]);
    expect([...visibleSensorIndex(table, { air: true }).array]).toEqual([1]);
  });
});
