import { describe, expect, it } from 'vitest';
import { createGridCity, DEVICE_KINDS, layerOfKind } from '@sensegrid/twin';
import type { CityDevice } from '@sensegrid/twin';
import { createDeviceSignals, isGap, sampleDevice, signalValue } from './signals.ts';

const HOUR = 3_600_000;
// Monday 2025-06-02 00:00 local time for a device at 120 degrees east (UTC+8 solar time).
const MONDAY = Date.parse('2025-06-01T16:00:00Z');
const city = createGridCity({ seed: 7, devices: DEVICE_KINDS.length * 6 });
const ofKind = (kind: string) => city.devices.filter((d) => d.kind === kind);
const atLon120 = (d: CityDevice): CityDevice => ({ ...d, lon: 120 });

function mean(devices: CityDevice[], metric: string, times: number[], seed = 1): number {
  let sum = 0;
  let n = 0;
  for (const d of devices) {
    const sample = createDeviceSignals(atLon120(d), { seed, gapRate: 0 });
    for (const t of times) {
      sum += sample(t)![metric]!;
      n++;
    }
  }
  return sum / n;
}

/** The same local hour on each of the given days after MONDAY. */
const hourOn = (hour: number, days: number[]) =>
  days.map((d) => MONDAY + d * 24 * HOUR + hour * HOUR);
const WEEKDAYS = [0, 1, 2, 3, 4];
const WEEKEND = [5, 6];

describe('signals', () => {
  it('gives the same values for the same seed and other values for another seed', () => {
    const device = city.devices[0]!;
    const times = Array.from({ length: 50 }, (_, i) => MONDAY + i * 60_000);
    const run = (seed: number) => times.map((t) => sampleDevice(device, t, { seed, gapRate: 0 }));
    expect(run(1)).toEqual(run(1));
    expect(run(2)).not.toEqual(run(1));
  });

  it('agrees between the one-metric function and the per-device sampler', () => {
    const device = ofKind('air')[0]!;
    const spec = layerOfKind('air')!.metrics[0]!;
    const t = MONDAY + 9.5 * HOUR;
    expect(signalValue(device, spec, t, 3)).toBe(
      sampleDevice(device, t, { seed: 3, gapRate: 0 })![spec.name],
    );
  });

  it("keeps every metric of every kind inside its layer's normal range over a week", () => {
    const outside: string[] = [];
    for (const device of city.devices) {
      const layer = layerOfKind(device.kind)!;
      const names = layer.metrics.map((m) => m.name).sort();
      const sample = createDeviceSignals(device, { seed: 1, gapRate: 0 });
      for (let t = MONDAY; t < MONDAY + 7 * 24 * HOUR; t += 7 * 60_000) {
        const values = sample(t)!;
        expect(Object.keys(values).sort()).toEqual(names);
        for (const { name, normal } of layer.metrics) {
          const v = values[name]!;
          if (!(v >= normal[0] && v <= normal[1]))
            outside.push(`${device.id} ${name}=${v} at ${t}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it('shows weekday rush hours in traffic flow and quiet nights', () => {
    const traffic = ofKind('traffic');
    const rush = mean(traffic, 'flow_vph', hourOn(8, WEEKDAYS));
    const evening = mean(traffic, 'flow_vph', hourOn(17.75, WEEKDAYS));
    const night = mean(traffic, 'flow_vph', hourOn(3, WEEKDAYS));
    expect(rush).toBeGreaterThan(3 * night);
    expect(evening).toBeGreaterThan(3 * night);
    expect(mean(traffic, 'speed_kmh', hourOn(8, WEEKDAYS))).toBeLessThan(
      mean(traffic, 'speed_kmh', hourOn(3, WEEKDAYS)),
    );
  });

  it('has no morning rush on weekends', () => {
    const traffic = ofKind('traffic');
    expect(mean(traffic, 'flow_vph', hourOn(8, WEEKEND))).toBeLessThan(
      0.6 * mean(traffic, 'flow_vph', hourOn(8, WEEKDAYS)),
    );
  });

  it('is warmer in the afternoon than before dawn', () => {
    const weather = ofKind('weather');
    const days = [0, 1, 2, 3, 4, 5, 6];
    expect(mean(weather, 'temperature_c', hourOn(15, days))).toBeGreaterThan(
      mean(weather, 'temperature_c', hourOn(5, days)) + 4,
    );
  });

  it('is louder by day than at night', () => {
    const noise = ofKind('noise');
    expect(mean(noise, 'noise_db', hourOn(12, WEEKDAYS))).toBeGreaterThan(
      mean(noise, 'noise_db', hourOn(3, WEEKDAYS)) + 8,
    );
  });

  it('skips readings in occasional gaps at about the requested rate, the same for a seed', () => {
    const slots = Array.from({ length: 20_000 }, (_, i) => MONDAY + i * 60_000);
    const gaps = (seed: number) => slots.filter((t) => isGap('air-0001', t, seed, 0.05));
    expect(gaps(1).length / slots.length).toBeCloseTo(0.05, 1);
    expect(gaps(1)).toEqual(gaps(1));
    expect(slots.some((t) => isGap('air-0001', t, 1, 0))).toBe(false);
    const device = ofKind('air')[0]!;
    const gapTime = slots.find((t) => isGap(device.id, t, 1, 0.05))!;
    expect(sampleDevice(device, gapTime, { seed: 1, gapRate: 0.05 })).toBeUndefined();
  });

  it('refuses a device kind that no sensing layer measures', () => {
    expect(() =>
      createDeviceSignals({ id: 'x-1', kind: 'toaster', lon: 120 }, { seed: 1 }),
    ).toThrow(/SENSEGRID_SIM_UNKNOWN_KIND/);
  });
});
