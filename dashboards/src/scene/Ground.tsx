import { useEffect, useMemo, useRef } from 'react';
import {
  BufferAttribute,
  BufferGeometry,
  Color,
  Matrix4,
  Quaternion,
  ShapeUtils,
  Vector2,
  Vector3,
  type InstancedMesh,
} from 'three';
import type { CityData } from '../api.ts';
import { boundsOf, toScene } from './geometry.ts';

export interface GroundProps {
  city: CityData;
}

const STREET_COLORS = {
  arterial: new Color('#3d5a8a'),
  secondary: new Color('#283a5c'),
  minor: new Color('#1c2942'),
};

/** The ground, streets (one line geometry), the river and its bridges. */
export function Ground({ city }: GroundProps) {
  const [x0, y0, x1, y1] = useMemo(
    () => boundsOf(city.regions.filter((r) => r.level === 'city').map((r) => r.ring)),
    [city],
  );
  const streets = useMemo(() => {
    const positions: number[] = [];
    const colors: number[] = [];
    for (const street of city.streets) {
      const c = STREET_COLORS[street.kind];
      for (let i = 0; i + 3 < street.points.length; i += 2) {
        positions.push(
          ...toScene(street.points[i]!, street.points[i + 1]!, 0.6),
          ...toScene(street.points[i + 2]!, street.points[i + 3]!, 0.6),
        );
        colors.push(c.r, c.g, c.b, c.r, c.g, c.b);
      }
    }
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(new Float32Array(positions), 3));
    geometry.setAttribute('color', new BufferAttribute(new Float32Array(colors), 3));
    return geometry;
  }, [city]);
  const water = useMemo(() => {
    const positions: number[] = [];
    for (const ring of city.water) {
      const contour: Vector2[] = [];
      for (let i = 0; i + 1 < ring.length - 2; i += 2)
        contour.push(new Vector2(ring[i], ring[i + 1]));
      for (const tri of ShapeUtils.triangulateShape(contour, [])) {
        for (const k of tri) positions.push(...toScene(contour[k]!.x, contour[k]!.y, 0.8));
      }
    }
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(new Float32Array(positions), 3));
    return geometry;
  }, [city]);
  const width = x1 - x0;
  const depth = y1 - y0;
  return (
    <group>
      <mesh rotation-x={-Math.PI / 2} position={[(x0 + x1) / 2, 0, -(y0 + y1) / 2]} name="ground">
        <planeGeometry args={[width + 1600, depth + 1600]} />
        {/* Flat and lit evenly: unlit colours look the same and cost a software renderer less. */}
        <meshBasicMaterial color="#09111f" />
      </mesh>
      <lineSegments geometry={streets} name="streets">
        <lineBasicMaterial vertexColors />
      </lineSegments>
      <mesh geometry={water} name="water">
        <meshBasicMaterial color="#0c3250" />
      </mesh>
      {city.bridges.length > 0 && <Bridges city={city} />}
    </group>
  );
}

/** Bridge decks as one instanced mesh. */
function Bridges({ city }: GroundProps) {
  const ref = useRef<InstancedMesh>(null);
  useEffect(() => {
    const m = ref.current;
    if (!m) return;
    const matrix = new Matrix4();
    const q = new Quaternion();
    city.bridges.forEach((b, i) => {
      q.setFromAxisAngle(new Vector3(0, 1, 0), b.angleRad);
      matrix.compose(new Vector3(...toScene(b.x, b.y, 4)), q, new Vector3(b.lengthM, 3, 18));
      m.setMatrixAt(i, matrix);
    });
    m.instanceMatrix.needsUpdate = true;
    m.computeBoundingSphere();
  }, [city]);
  return (
    <instancedMesh ref={ref} args={[undefined, undefined, city.bridges.length]} name="bridges">
      <boxGeometry args={[1, 1, 1]} />
      <meshLambertMaterial color="#55607a" />
    </instancedMesh>
  );
}
