import type { Reading } from '@sensegrid/twin';
import { minuteOf, type DeviceMinute, type RegionMinute } from '../store/history-port.ts';

/** Where a device's minutes count: its layer and every region (with statistics) it lies in. */
export interface HistoryPlacement {
  layer: string;
  regions: readonly string[];
}

export type PlacementOf = (device: string) => HistoryPlacement | undefined;

/** The minutes each device has finite values in, in a batch of readings. */
export function touchedMinutes(readings: readonly Reading[]): Map<string, Set<number>> {
  const touched = new Map<string, Set<number>>();
  for (const reading of readings) {
    if (!Object.values(reading.values).some(Number.isFinite)) continue;
    let minutes = touched.get(reading.device);
    if (!minutes) touched.set(reading.device, (minutes = new Set()));
    minutes.add(minuteOf(reading.ts));
  }
  return touched;
}

/** One raw value as the stores read it back. */
export interface RawSample {
  metric: string;
  ts: number;
  value: number;
}

/** Per metric and minute: count, sum, min, max and the latest value of one device's samples. */
export function aggregateSamples(device: string, samples: Iterable<RawSample>): DeviceMinute[] {
  const rows = new Map<string, DeviceMinute & { lastTs: number }>();
  for (const { metric, ts, value } of samples) {
    if (!Number.isFinite(value)) continue;
    const minute = minuteOf(ts);
    const key = `${metric}\u0000${minute}`;
    const row = rows.get(key);
    if (!row) {
      rows.set(key, {
        device,
        metric,
        minute,
        count: 1,
        sum: value,
        min: value,
        max: value,
        last: value,
        lastTs: ts,
      });
      continue;
    }
    row.count++;
    row.sum += value;
    if (value < row.min) row.min = value;
    if (value > row.max) row.max = value;
    if (ts >= row.lastTs) {
      row.last = value;
      row.lastTs = ts;
    }
  }
  return [...rows.values()].map(({ lastTs: _lastTs, ...row }) => row);
}

/**
 * Region aggregates of whole minutes from every device's aggregates of those minutes: for each
 * region the device lies in, its layer and metric, counts and sums add up, extremes widen, and
 * each device with a row is one sensor reporting. Devices without a placement count nowhere.
 */
export function rollUpRegions(
  rows: readonly DeviceMinute[],
  placementOf: PlacementOf,
): RegionMinute[] {
  const regions = new Map<string, RegionMinute>();
  for (const row of rows) {
    const placement = placementOf(row.device);
    if (!placement || row.count === 0) continue;
    for (const region of placement.regions) {
      const key = `${region}\u0000${placement.layer}\u0000${row.metric}\u0000${row.minute}`;
      const into = regions.get(key);
      if (!into) {
        regions.set(key, {
          region,
          layer: placement.layer,
          metric: row.metric,
          minute: row.minute,
          count: row.count,
          sum: row.sum,
          min: row.min,
          max: row.max,
          sensors: 1,
        });
        continue;
      }
      into.count += row.count;
      into.sum += row.sum;
      into.min = Math.min(into.min, row.min);
      into.max = Math.max(into.max, row.max);
      into.sensors++;
    }
  }
  return [...regions.values()];
}

/** Contiguous runs [first, last] of a set of minute starts. */
export function minuteRuns(minutes: Iterable<number>): [number, number][] {
  const sorted = [...new Set(minutes)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const minute of sorted) {
    const run = runs.at(-1);
    if (run && minute - run[1] <= 60_000) run[1] = minute;
    else runs.push([minute, minute]);
  }
  return runs;
}
