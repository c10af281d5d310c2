import { createDemoCity, type CityModel } from '@sensegrid/twin';
import { TwinState } from '../twin-state/twin-state.ts';
import type { Signal } from './signal.ts';

/** 2026-01-05T00:00:00Z: signal times in alert tests start here. */
export const T0 = Date.UTC(2026, 0, 5);

let city: CityModel | undefined;

/** A small demo city (3,000 sensors), built once per test file. */
export function testCity(): CityModel {
  return (city ??= createDemoCity({ sensors: 3000, buildings: 2000 }));
}

/** A fresh twin of the test city, with `now` at signal time so nothing turns stale. */
export function testTwin(): TwinState {
  return new TwinState({ city: testCity(), now: () => T0 });
}

/** The ids of the city's sensors in one district and layer, in table order. */
export function sensorsIn(twin: TwinState, district: string, layer: string): string[] {
  return twin.sensors.sensors
    .filter((s) => s.placement.district === district && s.layer === layer)
    .map((s) => s.id);
}

/**
 * Adds `count` devices to the twin around a city sensor of `district`, as devices announcing
 * their position would be; returns their ids.
 */
export function addDevicesIn(
  twin: TwinState,
  district: string,
  layer: string,
  count: number,
  prefix = `${layer}-${district}-x`,
): string[] {
  const anchor = twin.city.sensors.find(
    (s) => twin.sensors.index.place(s.lat, s.lon).district === district,
  )!;
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}${String(i).padStart(4, '0')}`;
    twin.deviceSeen(id, { layer, kind: layer, lat: anchor.lat, lon: anchor.lon });
    return id;
  });
}

/** A detector signal about `device`, with defaults a test can override. */
export function findingOf(
  device: string,
  layer: string,
  tsMs: number,
  more: Partial<Signal> = {},
): Signal {
  return {
    source: 'detector',
    kind: 'spike',
    layer,
    device,
    metric: 'value',
    score: 0.8,
    tsMs,
    explanation: `value of ${device} far above its usual level`,
    ...more,
  };
}
