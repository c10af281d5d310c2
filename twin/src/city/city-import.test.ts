/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCityIndex } from './city-index.ts';
import { CityImportError, importCity, type CityGeoJson } from './city-import.ts';

const example = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../examples/small-city/${file}`, import.meta.url), 'utf8'));

const smallCity = (): CityGeoJson => ({
  regions: example('regions.geojson'),
  gridSystems: [{ id: 'policing', name: 'Policing', regions: example('grid-policing.geojson') }],
  buildings: example('buildings.geojson'),
  devices: example('devices.geojson'),
});

describe('importCity', () => {
  it('imports the small example city with its grid systems, buildings and devices', () => {
    const city = importCity(smallCity());
    expect(city.name).toBe('Small City');
    expect(city.nodes.map((n) => n.level)).toEqual([
      'city',
      'district',
      'district',
      'subdistrict',
      'subdistrict',
      ...Array(8).fill('grid'),
    ]);
    expect(city.gridSystems.map((s) => [s.id, s.regions.length])).toEqual([
      ['operations', 8],
      ['policing', 2],
    ]);
    expect(city.buildings).toHaveLength(6);
    expect(city.buildings.find((b) => b.id === 'b6')).toMatchObject({
      heightM: 150,
      grid: 'd02-s1-g4',
    });
    const index = createCityIndex(city);
    const tower = city.sensors.find((s) => s.id === 'structure-0001')!;
    expect(tower).toMatchObject({ building: 'b6', z: 120, layer: 'structure' });
    expect(index.place(tower.lat, tower.lon)).toEqual({
      district: 'd02',
      subdistrict: 'd02-s1',
      grid: 'd02-s1-g4',
      systems: { operations: 'd02-s1-g4', policing: 'pol-002' },
    });
  });

  it('reports every bad geometry at once, naming the feature and the fix', () => {
    const input = smallCity();
    const regions = structuredClone(input.regions) as {
      features: { geometry: { coordinates: number[][][] } }[];
    };
    regions.features[3]!.geometry.coordinates[0]!.pop(); // no longer closed
    const bowtie = [
      [120.15, 30.24],
      [120.154, 30.243],
      [120.154, 30.24],
      [120.15, 30.243],
      [120.15, 30.24],
    ];
    regions.features[4]!.geometry.coordinates[0] = bowtie;
    const buildings = structuredClone(input.buildings) as {
      features: { properties: Record<string, unknown>; geometry: unknown }[];
    };
    buildings.features[0]!.properties.height = -3;
    buildings.features[1]!.geometry = { type: 'MultiPolygon', coordinates: [] };
    let error: unknown;
    try {
      importCity({ ...input, regions, buildings });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CityImportError);
    const { problems, code } = error as CityImportError;
    expect(code).toBe('SENSEGRID_CITY_INVALID');
    expect(problems.join('\n')).toContain(
      'regions.features[3] ("d01-s1-g1"): outer ring: the ring is not closed',
    );
    expect(problems.join('\n')).toContain('repeat the first position at the end');
    expect(problems.join('\n')).toContain(
      'regions.features[4] ("d01-s1-g2"): outer ring: the ring crosses itself',
    );
  });

  it('refuses swapped coordinates, a missing city, unknown parents and unknown device kinds', () => {
    const swapped = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'city', level: 'city' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [30, 120],
                [31, 120],
                [31, 121],
                [30, 120],
              ],
            ],
          },
        },
      ],
    };
    expect(() => importCity({ regions: swapped })).toThrow(
      /outside \[-180\.\.180, -90\.\.90\].*swapped/,
    );
    const orphan = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'd1', level: 'district', parent: 'nowhere' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        },
      ],
    };
    expect(() => importCity({ regions: orphan })).toThrow(
      /exactly one feature must have level "city"[\s\S]*"d1" needs a "parent"/,
    );
    const devices = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'x-1', kind: 'teleporter' },
          geometry: { type: 'Point', coordinates: [120.151, 30.241] },
        },
      ],
    };
    expect(() => importCity({ ...smallCity(), devices })).toThrow(
      /"kind" "teleporter" belongs to no sensing layer/,
    );
    expect(() => importCity({ regions: { type: 'nope' } })).toThrow(
      /regions: must be a GeoJSON FeatureCollection/,
    );
  });
});
