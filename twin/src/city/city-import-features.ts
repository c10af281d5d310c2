// Reading GeoJSON input for the city import: features, polygons and ids, each problem noted.
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { polygonProblem } from '../geo/validate.ts';

export const emptyCollection: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The features of a collection, each with where it sits in the input (for problems). */
export function* features(
  part: string,
  value: unknown,
  problems: string[],
): Generator<[string, Feature]> {
  const fc = value as FeatureCollection | undefined;
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    problems.push(
      `${part}: must be a GeoJSON FeatureCollection ({"type":"FeatureCollection","features":[...]})`,
    );
    return;
  }
  for (const [i, feature] of fc.features.entries()) {
    const where = `${part}.features[${i}]${typeof feature?.properties?.id === 'string' ? ` ("${feature.properties.id}")` : ''}`;
    if (!feature || feature.type !== 'Feature')
      problems.push(`${where}: must be a GeoJSON Feature`);
    else yield [where, feature];
  }
}

/** The feature's Polygon, or undefined with the problem noted. */
export function polygonOf(
  where: string,
  feature: Feature,
  problems: string[],
): Polygon | undefined {
  const geometry = feature.geometry;
  if (geometry?.type !== 'Polygon') {
    problems.push(
      `${where}: geometry must be a Polygon (got ${geometry?.type ?? 'none'}${geometry?.type === 'MultiPolygon' ? '; split it into one feature per polygon' : ''})`,
    );
    return undefined;
  }
  const problem = polygonProblem(geometry.coordinates);
  if (problem) {
    problems.push(`${where}: ${problem}`);
    return undefined;
  }
  return geometry;
}

/** A region id unique across all grid systems, or undefined with the problem noted. */
export function idOf(
  where: string,
  id: unknown,
  ids: Set<string>,
  problems: string[],
): string | undefined {
  if (typeof id !== 'string' || id.length === 0) {
    problems.push(`${where}: properties.id must be a non-empty string`);
    return undefined;
  }
  if (ids.has(id)) {
    problems.push(
      `${where}: id "${id}" is used twice; region ids are unique across all grid systems`,
    );
    return undefined;
  }
  ids.add(id);
  return id;
}
