import { Canvas, useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import type { CityData, SensorTableData } from '../api.ts';
import { useRuntime } from '../live/runtime.ts';
import { Buildings } from './Buildings.tsx';
import { CameraRig } from './CameraRig.tsx';
import { Ground } from './Ground.tsx';
import { Regions } from './Regions.tsx';
import { Sensors } from './Sensors.tsx';

/**
 * True when WebGL runs on the CPU (SwiftShader, llvmpipe): multisampling then costs more than
 * it is worth, so the canvas goes without it.
 */
const SOFTWARE_RENDERER = (() => {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    const renderer = info ? String(gl!.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software/i.test(renderer);
  } catch {
    return false;
  }
})();

export interface CityCanvasProps {
  city: CityData;
  sensors: SensorTableData;
}

/** The 3D city: ground and streets, buildings, shaded regions and sensors. */
export function CityCanvas({ city, sensors }: CityCanvasProps) {
  const { actions } = useRuntime();
  return (
    <Canvas
      className="city-canvas"
      dpr={SOFTWARE_RENDERER ? 1 : [1, 2]}
      frameloop="demand"
      camera={{ position: [0, 5000, 5000], fov: 45, near: 5, far: 40_000 }}
      gl={{
        antialias: !SOFTWARE_RENDERER,
        powerPreference: 'high-performance',
        preserveDrawingBuffer: true,
      }}
      onPointerMissed={() => actions.pick(undefined)}
    >
      <color attach="background" args={['#060a13']} />
      <fog attach="fog" args={['#060a13', 7000, 18000]} />
      <hemisphereLight args={['#a9c1ff', '#0a0f1c', 1.1]} />
      <directionalLight position={[2500, 6000, 1500]} intensity={1.6} />
      <Ground city={city} />
      <Buildings city={city} />
      <Regions city={city} />
      <Sensors key={sensors.id.length} table={sensors} />
      <CameraRig city={city} />
      <RendererProbe />
    </Canvas>
  );
}

/** Lets the benchmark read the renderer's draw calls. */
function RendererProbe() {
  const runtime = useRuntime();
  const gl = useThree((s) => s.gl);
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    runtime.invalidate = () => invalidate();
    invalidate();
  }, [runtime, invalidate]);
  const scene = useThree((s) => s.scene);
  const camera = useThree((s) => s.camera);
  useEffect(() => {
    const hooks = (window as unknown as { __sensegrid?: Record<string, unknown> }).__sensegrid;
    if (hooks) Object.assign(hooks, { renderer: gl, scene, camera });
  }, [gl, scene, camera]);
  return null;
}
