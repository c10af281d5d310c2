import { LAYERS, METRICS, addCounts, emptyCounts } from '@sensegrid/twin';
import type { CityData, RegionDetail } from '../api.ts';
import type { LiveBuffers } from '../live/live-buffers.ts';

/**
 * A region's detail as the frames in the live buffers tell it: while the timeline shows the
 * past, those frames are the twin at that moment, so the panel shows the region as it was.
 * Names, the path and the children come from `detail`; counts and rollups from the buffers.
 */
export function regionFromFrames(
  detail: RegionDetail,
  live: LiveBuffers,
  city: CityData,
): RegionDetail {
  const indexOf = new Map(city.regions.map((r) => [r.id, r.index]));
  const totalOf = (id: string) => {
    const total = emptyCounts();
    const index = indexOf.get(id);
    for (const update of (index === undefined ? undefined : live.rollups.get(index))?.values() ??
      [])
      addCounts(total, update);
    return total;
  };
  const index = indexOf.get(detail.id);
  const updates = [
    ...((index === undefined ? undefined : live.rollups.get(index))?.values() ?? []),
  ];
  return {
    ...detail,
    total: totalOf(detail.id),
    layers: updates.map((update) => {
      const layer = LAYERS[update.layer];
      const counts = emptyCounts();
      addCounts(counts, update);
      return {
        ...counts,
        layer: layer?.id ?? String(update.layer),
        layerName: layer?.name ?? String(update.layer),
        metrics: update.metrics.map((m) => ({
          metric: METRICS[m.metric]?.name ?? String(m.metric),
          unit: METRICS[m.metric]?.unit ?? '',
          count: m.count,
          mean: m.mean,
          min: m.min,
          max: m.max,
          p95: m.p95,
        })),
      };
    }),
    children: detail.children.map((child) => ({ ...child, ...totalOf(child.id) })),
  };
}
