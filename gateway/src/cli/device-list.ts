import { SensegridError } from '../errors.ts';
import type { ProvisionEntry } from '../guard/credentials.ts';

/**
 * Devices to provision from a CSV (a header with `id`, and optionally `kind`, `lat`, `lon`) or
 * a GeoJSON FeatureCollection of points whose properties carry `id` and optionally `kind`.
 */
export function parseDeviceList(text: string, file: string): ProvisionEntry[] {
  return /\.(geo)?json$/i.test(file) ? parseGeoJson(text, file) : parseCsv(text, file);
}

function invalid(file: string, problem: string): SensegridError {
  return new SensegridError(
    'SENSEGRID_PROVISION_INVALID',
    `${file}: ${problem}.`,
    'A CSV needs a header with an id column (id,kind,lat,lon); GeoJSON needs point features with an "id" property.',
  );
}

function parseCsv(text: string, file: string): ProvisionEntry[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((name) => name.trim().toLowerCase());
  const idColumn = header.findIndex((name) =>
    ['id', 'device', 'device_id', 'deviceid'].includes(name),
  );
  if (idColumn < 0) throw invalid(file, 'the header has no id column');
  const column = (name: string) => header.indexOf(name);
  return lines.map((line, i) => {
    const cells = line.split(',').map((cell) => cell.trim());
    const entry: ProvisionEntry = { id: cells[idColumn] ?? '' };
    const kind = cells[column('kind')];
    if (kind) entry.kind = kind;
    const lat = Number(cells[column('lat')]);
    const lon = Number(cells[column('lon')]);
    if (column('lat') >= 0 && cells[column('lat')] !== '') {
      if (!Number.isFinite(lat) || !Number.isFinite(lon)) {
        throw invalid(file, `line ${i + 2}: lat and lon must be numbers`);
      }
      entry.lat = lat;
      entry.lon = lon;
    }
    return entry;
  });
}

function parseGeoJson(text: string, file: string): ProvisionEntry[] {
  let doc: { type?: string; features?: unknown[] };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw invalid(file, 'is not valid JSON');
  }
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw invalid(file, 'is not a GeoJSON FeatureCollection');
  }
  return doc.features.map((raw, i) => {
    const feature = raw as {
      geometry?: { type?: string; coordinates?: unknown };
      properties?: { id?: unknown; deviceId?: unknown; kind?: unknown };
    };
    const id = feature.properties?.id ?? feature.properties?.deviceId;
    if (typeof id !== 'string') throw invalid(file, `feature ${i} has no string "id" property`);
    const entry: ProvisionEntry = { id };
    if (typeof feature.properties?.kind === 'string') entry.kind = feature.properties.kind;
    const coordinates = feature.geometry?.coordinates;
    if (feature.geometry?.type === 'Point' && Array.isArray(coordinates)) {
      const [lon, lat] = coordinates as number[];
      if (typeof lat !== 'number' || typeof lon !== 'number') {
        throw invalid(file, `feature ${i} (${id}) has bad coordinates`);
      }
      entry.lat = lat;
      entry.lon = lon;
    }
    return entry;
  });
}
