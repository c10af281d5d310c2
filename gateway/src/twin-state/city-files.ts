import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CityImportError, importCity, type CityModel } from '@sensegrid/twin';
import { SensegridError } from '../errors.ts';

/**
 * Reads a real city from a folder of GeoJSON files: `regions.geojson` (the hierarchy),
 * optional `buildings.geojson` and `devices.geojson`, and one `grid-<system>.geojson` per
 * extra grid system. See twin/examples/small-city/.
 */
export function loadCityFolder(dir: string): CityModel {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    throw new SensegridError(
      'SENSEGRID_CITY_INVALID',
      `--city ${dir} is not a readable folder.`,
      'Give a folder with regions.geojson (see twin/examples/small-city).',
    );
  }
  const read = (file: string): unknown => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      throw new SensegridError(
        'SENSEGRID_CITY_INVALID',
        `${join(dir, file)} is not readable JSON (${(error as Error).message}).`,
        'Fix the file, or leave optional ones out.',
      );
    }
  };
  if (!files.includes('regions.geojson')) {
    throw new SensegridError(
      'SENSEGRID_CITY_INVALID',
      `${dir} has no regions.geojson.`,
      'Add the hierarchy as regions.geojson (see twin/examples/small-city).',
    );
  }
  const gridSystems = files
    .filter((f) => /^grid-[a-z0-9_-]+\.geojson$/.test(f))
    .sort()
    .map((f) => {
      const id = f.slice(5, -8);
      return { id, name: id[0]!.toUpperCase() + id.slice(1), regions: read(f) };
    });
  try {
    return importCity({
      regions: read('regions.geojson'),
      gridSystems,
      ...(files.includes('buildings.geojson') ? { buildings: read('buildings.geojson') } : {}),
      ...(files.includes('devices.geojson') ? { devices: read('devices.geojson') } : {}),
    });
  } catch (error) {
    if (error instanceof CityImportError) {
      throw new SensegridError('SENSEGRID_CITY_INVALID', `${dir}: ${error.message}`);
    }
    throw error;
  }
}
