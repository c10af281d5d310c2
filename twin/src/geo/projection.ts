/** Metres per degree of latitude (mean Earth radius 6,371,008.8 m). */
const METRES_PER_DEGREE = (Math.PI * 6_371_008.8) / 180;

/** A local tangent-plane projection: x metres east and y metres north of an origin. */
export interface Projection {
  readonly origin: readonly [lon: number, lat: number];
  toLocal(lon: number, lat: number): [x: number, y: number];
  toLonLat(x: number, y: number): [lon: number, lat: number];
}

/**
 * An equirectangular projection around `origin`: accurate to a few centimetres per kilometre
 * over a city, which is all the console and the demo city need.
 */
export function createProjection(origin: readonly [lon: number, lat: number]): Projection {
  const [lon0, lat0] = origin;
  const kx = METRES_PER_DEGREE * Math.cos((lat0 * Math.PI) / 180);
  const ky = METRES_PER_DEGREE;
  return {
    origin: [lon0, lat0],
    toLocal: (lon, lat) => [(lon - lon0) * kx, (lat - lat0) * ky],
    toLonLat: (x, y) => [lon0 + x / kx, lat0 + y / ky],
  };
}
