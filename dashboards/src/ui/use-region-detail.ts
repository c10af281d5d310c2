import { useEffect, useState } from 'react';
import { api, type RegionDetail } from '../api.ts';
import { useRuntime } from '../live/runtime.ts';

/** A region's detail from the API, refreshed (at most once a second) as rollups change. */
export function useRegionDetail(id: string): RegionDetail | undefined {
  const { store } = useRuntime();
  const [detail, setDetail] = useState<RegionDetail>();
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
  return detail?.id === id ? detail : undefined;
}
