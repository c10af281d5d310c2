import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.ts';
import { createCityIndex } from './city-index.ts';
import { createDemoCity } from './demo-city.ts';
import { createRegionIndex } from './grid-system.ts';
import { OPERATIONS_SYSTEM } from './model.ts';

describe('createDemoCity', () => {
  const city = createDemoCity({ seed: 4, sensors: 3000 });
  const index = createCityIndex(city);

  it('is the same city for the same seed, and another for another seed', () => {
    const again = createDemoCity({ seed: 4, sensors: 3000 });
    expect(again.buildings).toEqual(city.buildings);
    expect(again.sensors).toEqual(city.sensors);
    expect(again.gridSystems).toEqual(city.gridSystems);
    const other = createDemoCity({ seed: 5, sensors: 3000 });
    expect(other.buildings.slice(0, 50)).not.toEqual(city.buildings.slice(0, 50));
  });

  it('has about 20,000 buildings with footprints and heights inside their grid cells', () => {
    expect(city.buildings.length).toBe(20_000);
    const cells = new Map(city.nodes.filter((n) => n.level === 'grid').map((n) => [n.id, n]));
    for (const b of city.buildings.filter((_, i) => i % 97 === 0)) {
      expect(b.heightM).toBeGreaterThan(3);
      expect(b.widthM).toBeGreaterThan(2);
      expect(b.depthM).toBeGreaterThan(2);
      expect(cells.has(b.grid)).toBe(true);
    }
    expect(new Set(city.buildings.map((b) => b.id)).size).toBe(city.buildings.length);
    expect(Math.max(...city.buildings.map((b) => b.heightM))).toBeGreaterThan(100);
  });

  it('builds the hierarchy city -> district -> subdistrict -> grid cell', () => {
    const levels = city.nodes.map((n) => n.level);
    expect(levels.filter((l) => l === 'city')).toHaveLength(1);
    expect(levels.filter((l) => l === 'district')).toHaveLength(9);
    expect(levels.filter((l) => l === 'subdistrict')).toHaveLength(36);
    expect(levels.filter((l) => l === 'grid')).toHaveLength(324);
    const grid = city.nodes.find((n) => n.level === 'grid')!;
    expect(index.path(grid.id).map((n) => n.level)).toEqual([
      'city',
      'district',
      'subdistrict',
      'grid',
    ]);
  });

  it('covers the city once in each of its four grid systems', () => {
    expect(city.gridSystems.map((s) => s.id)).toEqual([
      OPERATIONS_SYSTEM,
      'policing',
      'governance',
      'utilities',
    ]);
    const random = createRandom(9);
    const [w, s, e, n] = city.bbox;
    for (const system of city.gridSystems) {
      const regionIndex = createRegionIndex(system.regions);
      for (let i = 0; i < 300; i++) {
        const lon = w + (e - w) * (0.001 + random() * 0.998);
        const lat = s + (n - s) * (0.001 + random() * 0.998);
        expect(
          regionIndex.locate(lon, lat),
          `${system.id} at ${lon},${lat}`,
        ).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('places every sensor in the hierarchy and in every grid system', () => {
    for (const sensor of city.sensors) {
      const placement = index.place(sensor.lat, sensor.lon);
      expect(placement.grid, sensor.id).toBeDefined();
      expect(placement.grid!.startsWith(`${placement.subdistrict}-`)).toBe(true);
      expect(placement.subdistrict!.startsWith(`${placement.district}-`)).toBe(true);
      expect(Object.keys(placement.systems).sort()).toEqual([
        'governance',
        'operations',
        'policing',
        'utilities',
      ]);
    }
  });

  it('puts sensors where they belong', () => {
    const byKind = (kind: string) => city.sensors.filter((s) => s.kind === kind);
    expect(byKind('traffic').every((s) => s.site === 'road')).toBe(true);
    expect(byKind('water').every((s) => s.site === 'pipe')).toBe(true);
    const structural = byKind('structure');
    expect(structural.filter((s) => s.site === 'bridge')).toHaveLength(city.bridges.length * 2);
    const towers = structural
      .filter((s) => s.site === 'building')
      .map((s) => index.building(s.building!)!);
    const medianHeight = [...city.buildings].map((b) => b.heightM).sort((a, b) => a - b)[
      city.buildings.length >> 1
    ]!;
    expect(towers.every((b) => b.heightM > 3 * medianHeight)).toBe(true);
    expect(byKind('fire').every((s) => index.building(s.building!) !== undefined)).toBe(true);
    // A pipe sensor lies on a water main: within a metre of one of its segments.
    for (const sensor of byKind('water').slice(0, 100)) {
      const near = city.pipes.some((pipe) =>
        pipe.points.some((p, i) => {
          const q = pipe.points[i + 1];
          return q !== undefined && distanceToSegment([sensor.x, sensor.y], p, q) < 1;
        }),
      );
      expect(near, sensor.id).toBe(true);
    }
    expect(new Set(city.sensors.map((s) => s.id)).size).toBe(3000);
    for (const s of city.sensors) expect(s.id).toMatch(/^[a-z]+-\d{4,}$/);
  });
});

function distanceToSegment(p: [number, number], a: [number, number], b: [number, number]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(
    0,
    Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy || 1)),
  );
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}
