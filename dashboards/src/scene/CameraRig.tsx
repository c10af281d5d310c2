import { useEffect, useRef } from 'react';
import { CameraControls } from '@react-three/drei';
import type { CityData } from '../api.ts';
import { useRuntime } from '../live/runtime.ts';
import { boundsOf } from './geometry.ts';

export interface CameraRigProps {
  city: CityData;
}

/** Shared with the keyboard handler, which pans and zooms the same controls. */
export const cameraControls: { current: CameraControls | null } = { current: null };

/** Orbit, pan and zoom with the mouse; flies to the focus whenever the store asks. */
export function CameraRig({ city }: CameraRigProps) {
  const ref = useRef<CameraControls>(null);
  const { store } = useRuntime();

  useEffect(() => {
    cameraControls.current = ref.current;
    const fly = (smooth: boolean) => {
      const controls = ref.current;
      if (!controls) return;
      const { focus, selectedRegion, mode } = store.getState();
      const id = mode === 'hierarchy' ? focus : (selectedRegion ?? 'city');
      const region =
        city.regions.find((r) => r.id === id) ?? city.regions.find((r) => r.id === 'city');
      const b = city.buildings.id.indexOf(id);
      let [x0, y0, x1, y1] = region ? boundsOf([region.ring]) : [-3000, -3000, 3000, 3000];
      if (b >= 0) {
        const r =
          Math.max(city.buildings.w[b]!, city.buildings.d[b]!, city.buildings.h[b]!) * 1.5 + 60;
        [x0, y0, x1, y1] = [
          city.buildings.x[b]! - r,
          city.buildings.y[b]! - r,
          city.buildings.x[b]! + r,
          city.buildings.y[b]! + r,
        ];
      }
      const cx = (x0 + x1) / 2;
      const cy = (y0 + y1) / 2;
      const size = Math.max(x1 - x0, y1 - y0, 120);
      void controls.setLookAt(cx, size * 0.95, -cy + size * 0.85, cx, 0, -cy, smooth);
    };
    fly(false);
    return store.subscribe((s, prev) => {
      if (s.flyVersion !== prev.flyVersion) fly(true);
    });
  }, [city, store]);

  return (
    <CameraControls
      ref={ref}
      makeDefault
      maxPolarAngle={Math.PI * 0.47}
      minDistance={40}
      maxDistance={16000}
      smoothTime={0.45}
    />
  );
}
