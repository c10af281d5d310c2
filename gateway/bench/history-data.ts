import type { PlacedReading } from '@sensegrid/twin';
import type { History } from '../src/history/history.ts';
import type { ReadingStore } from '../src/store/port.ts';
import type { HistoryPlacement } from '../src/history/minute-rollup.ts';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const WEEK_S = 7 * 86_400;

/** The sensor whose week at 1 Hz is read back. */
export const WEEK_SENSOR = 'history-1';
/** Sensors of the region day: in 5 districts of 10, every 30 s, over 3 layers. */
export const REGION_SENSORS = 50;
export const REGION_INTERVAL_S = 30;
/** The district whose day is read back (it holds 10 of the 50 sensors). */
export const REGION = 'd2';

const LAYERS = [
  { layer: 'air', metrics: ['pm25', 'no2'] },
  { layer: 'noise', metrics: ['noise_db'] },
  { layer: 'traffic', metrics: ['vehicles', 'speed_kmh'] },
] as const;

const sensorId = (i: number) => `region-${String(i).padStart(3, '0')}`;

/** Where the bench's sensors lie: city, district, grid cell and a policing region each. */
export function benchPlacement(device: string): HistoryPlacement | undefined {
  if (device === WEEK_SENSOR) return { layer: 'air', regions: ['city', 'd0', 'g0-0', 'pol-0'] };
  const match = /^region-(\d+)$/.exec(device);
  if (!match) return undefined;
  const i = Number(match[1]);
  const district = `d${i % 5}`;
  return {
    layer: LAYERS[i % 3]!.layer,
    regions: ['city', district, `g${i % 5}-${i % 2}`, `pol-${i % 4}`],
  };
}

export const regionSensorIds = (): string[] =>
  Array.from({ length: REGION_SENSORS }, (_, i) => sensorId(i));

type Write = (batch: PlacedReading[]) => Promise<void>;

/** Writes in batches of 5,000, as the store writer does. */
async function writeAll(write: Write, readings: Iterable<PlacedReading>): Promise<void> {
  let batch: PlacedReading[] = [];
  for (const reading of readings) {
    batch.push(reading);
    if (batch.length === 5000) {
      await write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await write(batch);
}

function* weekOfOneSensor(t0: number): Generator<PlacedReading> {
  for (let s = 0; s < WEEK_S; s++) {
    yield {
      device: WEEK_SENSOR,
      ts: t0 + s * 1000,
      values: { pm25: 20 + Math.sin(s / 3600) * 5 + ((s * 7919) % 13) / 10 },
      tags: {},
    };
  }
}

function* dayOfRegions(t0: number): Generator<PlacedReading> {
  for (let s = 0; s < DAY_MS / 1000; s += REGION_INTERVAL_S) {
    for (let i = 0; i < REGION_SENSORS; i++) {
      const { metrics } = LAYERS[i % 3]!;
      const values: Record<string, number> = {};
      metrics.forEach((metric, m) => (values[metric] = ((s / 60 + i * 7 + m * 13) % 97) + 0.25));
      yield { device: sensorId(i), ts: t0 + s * 1000 + i * 100, values, tags: {} };
    }
  }
}

/**
 * Fills the store through the history (raw readings and their minute aggregates): the week of
 * one sensor from `weekFrom`, the region day from `dayFrom`.
 */
export async function fillHistory(
  history: History,
  weekFrom: number,
  dayFrom: number,
): Promise<void> {
  const write: Write = (batch) => history.store.write(batch);
  await writeAll(write, weekOfOneSensor(weekFrom));
  await writeAll(write, dayOfRegions(dayFrom));
  await history.flush();
  history.stop();
}

/** The same readings straight into a store (raw readings only): the write baseline. */
export async function fillRaw(
  store: ReadingStore,
  weekFrom: number,
  dayFrom: number,
): Promise<void> {
  const write: Write = (batch) => store.write(batch);
  await writeAll(write, weekOfOneSensor(weekFrom));
  await writeAll(write, dayOfRegions(dayFrom));
}
