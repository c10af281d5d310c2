import { mkdtemp, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCityFolder } from './city-files.ts';

const EXAMPLE = fileURLToPath(new URL('../../../twin/examples/small-city', import.meta.url));

describe('loadCityFolder', () => {
  it('loads the example city with its policing grid', () => {
    const city = loadCityFolder(EXAMPLE);
    expect(city.gridSystems.map((s) => s.id)).toEqual(['operations', 'policing']);
    expect(city.sensors).toHaveLength(5);
  });

  it('names the folder, the feature and the fix when a file is bad', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sensegrid-city-'));
    try {
      await cp(EXAMPLE, dir, { recursive: true });
      await writeFile(
        join(dir, 'buildings.geojson'),
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"height":5},"geometry":{"type":"Polygon","coordinates":[[[120.15,30.24],[120.151,30.24],[120.151,30.241]]]}}]}',
      );
      expect(() => loadCityFolder(dir)).toThrow(
        /SENSEGRID_CITY_INVALID: .*buildings\.features\[0\]: outer ring: a ring needs at least 4 positions/s,
      );
      await writeFile(join(dir, 'devices.geojson'), '{nope');
      expect(() => loadCityFolder(dir)).toThrow(/devices\.geojson is not readable JSON/);
      expect(() => loadCityFolder(join(dir, 'missing'))).toThrow(/is not a readable folder/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
