import { BufferAttribute, BufferGeometry, Color } from 'three';
import type { CityData } from '../api.ts';

/** Triangles per building: a roof and four walls (the floor is never seen). */
export const BUILDING_TRIANGLES = 10;
const CORNERS = 8;
// Corners 0-3 on the ground, 4-7 on the roof, counter-clockwise from above.
// prettier-ignore
const FACES = [
  4, 6, 5, 4, 7, 6, // roof
  0, 5, 1, 0, 4, 5,
  1, 6, 2, 1, 5, 6,
  2, 7, 3, 2, 6, 7,
  3, 4, 0, 3, 7, 4,
];
const SIGN_X = [-1, 1, 1, -1];
const SIGN_Z = [-1, -1, 1, 1];

/**
 * Every building as one static geometry: eight shared corners and ten outward-facing
 * triangles per building, with a colour per corner. One draw call, no per-instance work in
 * the renderer: software WebGL (SwiftShader) pays a fixed cost per instance of an instanced
 * draw, which made 20,000 instanced boxes its slowest part. Flat shading gives each face its
 * own light from the shared corners.
 */
export function mergeBuildings(b: CityData['buildings']): BufferGeometry {
  const count = b.id.length;
  const positions = new Float32Array(count * CORNERS * 3);
  const index = new Uint32Array(count * BUILDING_TRIANGLES * 3);
  for (let i = 0; i < count; i++) {
    const cos = Math.cos(b.a[i]!);
    const sin = Math.sin(b.a[i]!);
    const hw = b.w[i]! / 2;
    const hd = b.d[i]! / 2;
    for (let c = 0; c < CORNERS; c++) {
      const lx = SIGN_X[c % 4]! * hw;
      const lz = SIGN_Z[c % 4]! * hd;
      const at = (i * CORNERS + c) * 3;
      // A turn of `a` about the vertical axis, then the building's place (scene z = -y).
      positions[at] = b.x[i]! + lx * cos + lz * sin;
      positions[at + 1] = c < 4 ? 0 : b.h[i]!;
      positions[at + 2] = -b.y[i]! - lx * sin + lz * cos;
    }
    for (let k = 0; k < FACES.length; k++) {
      index[i * FACES.length + k] = i * CORNERS + FACES[k]!;
    }
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  geometry.setAttribute('color', new BufferAttribute(new Float32Array(count * CORNERS * 3), 3));
  geometry.setIndex(new BufferAttribute(index, 1));
  geometry.computeBoundingSphere();
  geometry.computeBoundingBox();
  return geometry;
}

/** The building a triangle of `mergeBuildings` belongs to. */
export const buildingOfFace = (faceIndex: number): number =>
  Math.floor(faceIndex / BUILDING_TRIANGLES);

const BASE = new Color('#27344d');
const TALL = new Color('#56698f');
const LIT = new Color('#6f97d8');
const SELECTED = new Color('#ffd166');

/**
 * Writes every building's colour into the geometry's colour attribute: darker to lighter by
 * height, lit when `lit[i]` is 1, and the `selected` building (an index, or -1) in gold.
 */
export function paintBuildings(
  geometry: BufferGeometry,
  b: CityData['buildings'],
  lit: Uint8Array,
  selected: number,
): void {
  const colors = geometry.getAttribute('color') as BufferAttribute;
  const array = colors.array as Float32Array;
  const c = new Color();
  for (let i = 0; i < b.id.length; i++) {
    baseBuildingColor(b.h[i]!, c);
    if (i === selected) c.copy(SELECTED);
    else if (lit[i] === 1) c.lerp(LIT, 0.55);
    for (let k = 0; k < CORNERS; k++) c.toArray(array, (i * CORNERS + k) * 3);
  }
  colors.needsUpdate = true;
}

/** A building's colour when nothing highlights it: darker to lighter by height (m). */
export function baseBuildingColor(heightM: number, out: Color): Color {
  return out.copy(BASE).lerp(TALL, Math.min(1, heightM / 120));
}
