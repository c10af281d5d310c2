import { useEffect, useState } from 'react';
import { api, type RegionDetail } from '../api.ts';
import { useConsole, useRuntime } from '../live/runtime.ts';
import { useClock } from '../timeline/console-clock.ts';
import { regionFromFrames } from '../timeline/region-at.ts';

/**
 * A region's detail from the API, refreshed (at most once a second) as rollups change; while
 * the timeline shows the past, its counts and rollups are those of that moment.
 */
export function useRegionDetail(id: string): RegionDetail | undefined {
  const { store, live } = useRuntime();
  const [detail, setDetail] = useState<RegionDetail>();
  const clockLive = useClock((s) => s.live);
  const city = useConsole((s) => s.city);
  useConsole((s) => s.rollupVersion); // the past's rollups arrive as frames
  useEffect(() => {
    let alive = true;
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      last = Date.now();
      api.region(id).then(
        (d) => alive && setDetail(d),
        () => alive && setDetail(undefined),
      );
    };
    load();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.rollupVersion === prev.rollupVersion || timer) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          load();
        },
        Math.max(0, 1000 - (Date.now() - last)),
      );
    });
    return () => {
      alive = false;
      clearTimeout(timer);
      unsubscribe();
    };
  }, [id, store]);
  if (detail?.id !== id) return undefined;
  return clockLive || !city ? detail : regionFromFrames(detail, live, city);
}
