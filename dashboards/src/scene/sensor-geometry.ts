import { BufferAttribute, BufferGeometry } from 'three';
import type { SensorTableData } from '../api.ts';
import { toScene } from './geometry.ts';

/** Height of a sensor's point above its mounting height, in metres. */
const LIFT_M = 4;

/** One point per sensor of the table (in table order), with a colour attribute to paint. */
export function sensorPoints(table: SensorTableData): BufferGeometry {
  const count = table.id.length;
  const positions = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const x = table.x[i];
    const y = table.y[i];
    // Unplaced sensors keep a position far below the ground; the index never draws them.
    const p = x != null && y != null ? toScene(x, y, table.z[i]! + LIFT_M) : [0, -1e4, 0];
    positions.set(p, i * 3);
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  geometry.setAttribute('color', new BufferAttribute(new Float32Array(count * 3), 3));
  geometry.computeBoundingSphere();
  return geometry;
}

/** The sensors to draw: placed ones whose layer is not hidden. */
export function visibleSensorIndex(
  table: SensorTableData,
  hidden: Readonly<Record<string, boolean>>,
): BufferAttribute {
  const index = new Uint32Array(table.id.length);
  let n = 0;
  for (let i = 0; i < table.id.length; i++) {
    if (table.x[i] != null && table.y[i] != null && !hidden[table.layer[i]!]) index[n++] = i;
  }
  return new BufferAttribute(index.subarray(0, n), 1);
}
