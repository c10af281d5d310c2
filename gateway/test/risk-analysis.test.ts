import { describe, expect, it } from 'vitest';
import { createRandom, type Reading } from '@sensegrid/twin';
import { createRiskAnalysis, type Risk, type RiskPlace } from '../src/risk/index.ts';
import { poissonTail } from '../src/risk/hotspot.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 2);

/** Devices `<layer>-<region>-<n>`, each in region `<region>` of one grid system `ops`. */
function place(device: string): RiskPlace {
  const [layer, region] = device.split('-') as [string, string];
  return { layer, regions: [{ system: 'ops', id: region, name: `Region ${region}` }] };
}

function analysis(tuning = {}) {
  const risks: Risk[] = [];
  const a = createRiskAnalysis({ placeOf: place, onRisk: (r) => risks.push(r), tuning });
  return { a, risks };
}

const finding = (device: string, tsMs: number, kind = 'spike', metric = 'pm25', score = 0.8) => ({
  device,
  metric,
  kind,
  score,
  tsMs,
});

describe('concentrated risk', () => {
  it('fires for a cluster of findings in a region whose baseline is quiet', () => {
    const { a, risks } = analysis();
    // Two quiet days: one finding a day in region q.
    for (let day = 0; day < 2; day++) a.addFinding(finding('air-q-1', T0 + day * 24 * HOUR));
    const at = T0 + 50 * HOUR;
    for (let n = 0; n < 4; n++) a.addFinding(finding(`air-q-${n + 2}`, at + n * MIN));
    const hot = risks.filter((r) => r.kind === 'concentrated');
    expect(hot.length).toBeGreaterThan(0);
    expect(hot[0]!.region.id).toBe('q');
    expect(hot[0]!.explanation).toMatch(/air sensors in Region q reported findings within 30 min/);
  });

  it('does not fire for the same count in a region that always has that many', () => {
    const { a, risks } = analysis();
    // Region b has four findings every 30 minutes, for two days.
    for (let t = T0; t < T0 + 48 * HOUR; t += 30 * MIN) {
      for (let n = 0; n < 4; n++) a.addFinding(finding(`air-b-${n}`, t + n * MIN));
    }
    const before = risks.length;
    const at = T0 + 50 * HOUR;
    for (let n = 0; n < 4; n++) a.addFinding(finding(`air-b-${n}`, at + n * MIN));
    const late = risks.slice(before).filter((r) => r.kind === 'concentrated');
    expect(late).toEqual([]);
  });

  it('computes the Poisson tail', () => {
    expect(poissonTail(0, 2)).toBe(1);
    expect(poissonTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    // Small rates: the upper tail is summed directly, not lost to 1 - (almost 1).
    const tail = Math.exp(-0.01) * (0.01 ** 3 / 6 + 0.01 ** 4 / 24 + 0.01 ** 5 / 120);
    expect(poissonTail(3, 0.01) / tail).toBeCloseTo(1, 6);
  });
});

describe('trending risk', () => {
  it('warns of a crossing 30 minutes ahead with the expected time', () => {
    const { a, risks } = analysis();
    // pm25 rises 0.5 ug/m3 a minute from 55: it reaches 75 (its limit) at minute 40.
    const readings: Reading[] = [];
    for (let m = 0; m <= 40; m++) {
      const wobble = m % 2 === 0 ? 0.2 : -0.2;
      readings.push({
        device: 'air-r-1',
        ts: T0 + m * MIN,
        values: { pm25: 55 + 0.5 * m + wobble },
      } as Reading);
    }
    for (const r of readings) a.addReadings([r]);
    const trending = risks.filter((r) => r.kind === 'trending');
    expect(trending).toHaveLength(1);
    const warning = trending[0]!;
    // Warned once the window is full (12 readings, minute 11), about 29 minutes ahead.
    expect(warning.tsMs).toBe(T0 + 11 * MIN);
    expect(Math.abs(warning.expectedAtMs! - (T0 + 40 * MIN))).toBeLessThanOrEqual(MIN);
    expect(warning.explanation).toMatch(
      /^pm25 in Region r \(air-r-1\) rising 30 ug\/m3 per hour; expected to pass 75 at 00:40 UTC\.$/,
    );
  });

  it('does not warn when the crossing is beyond the horizon', () => {
    const { a, risks } = analysis();
    for (let m = 0; m <= 30; m++) {
      a.addReadings([
        { device: 'air-r-1', ts: T0 + m * MIN, values: { pm25: 5 + 0.05 * m } } as Reading,
      ]);
    }
    expect(risks.filter((r) => r.kind === 'trending')).toEqual([]);
  });
});

describe('emerging risk', () => {
  it('fires once for a kind of finding new to a place, after the place has been learnt', () => {
    const { a, risks } = analysis();
    a.addFinding(finding('water-e-1', T0, 'spike', 'pressure_bar'));
    a.addFinding(finding('water-e-1', T0 + 30 * HOUR, 'dip', 'pressure_bar'));
    a.addFinding(finding('water-e-2', T0 + 33 * HOUR, 'dip', 'pressure_bar'));
    a.addFinding(finding('water-e-1', T0 + 36 * HOUR, 'spike', 'pressure_bar'));
    const emerging = risks.filter((r) => r.kind === 'emerging');
    expect(emerging).toHaveLength(1);
    expect(emerging[0]!.tsMs).toBe(T0 + 30 * HOUR);
    expect(emerging[0]!.explanation).toMatch(/^First dip on water in Region e/);
  });

  it('catches a small persistent shift no single reading shows (CUSUM against peers)', () => {
    const { a, risks } = analysis();
    const random = createRandom(7);
    const days = 4;
    const shiftFrom = 3 * 288;
    const sigma = 2;
    let largestBefore = 0;
    let largestAfter = 0;
    let firstAlarm: number | undefined;
    for (let i = 0; i < days * 288; i++) {
      const ts = T0 + i * 5 * MIN;
      // Everyone shares a daily rhythm; device 0 runs one sigma high from day 3 on.
      const rhythm = 55 + 10 * Math.sin((2 * Math.PI * ts) / (24 * HOUR));
      const readings: Reading[] = [];
      for (let k = 0; k < 8; k++) {
        const shift = k === 0 && i >= shiftFrom ? sigma : 0;
        const deviation = gaussian(random) * sigma + shift;
        if (k === 0 && i >= shiftFrom) largestAfter = Math.max(largestAfter, Math.abs(deviation));
        else largestBefore = Math.max(largestBefore, Math.abs(deviation));
        readings.push({
          device: `noise-c-${k}`,
          ts: ts + k,
          values: { noise_db: rhythm + deviation },
        } as Reading);
      }
      a.addReadings(readings);
      if (firstAlarm === undefined && risks.some((r) => r.kind === 'emerging')) firstAlarm = i;
    }
    const shifts = risks.filter((r) => r.kind === 'emerging');
    expect(shifts.length).toBeGreaterThan(0);
    expect(shifts.every((r) => r.device === 'noise-c-0')).toBe(true);
    expect(firstAlarm).toBeGreaterThan(shiftFrom);
    // Caught within half a day of the shift...
    expect(firstAlarm! - shiftFrom).toBeLessThan(12 * 12);
    expect(shifts[0]!.explanation).toMatch(/drifted up from its peers/);
    // ...although no reading of the shifted device is 5 sigmas out, nor further out than
    // the other devices' ordinary readings go.
    expect(largestAfter).toBeLessThan(5 * sigma);
    expect(largestAfter).toBeLessThan(largestBefore);
  });
});

describe('cross-layer risk', () => {
  it('ranks findings on two layers in one place above either alone', () => {
    const { a, risks } = analysis();
    a.addFinding(finding('water-x-1', T0 + 10 * MIN, 'dip', 'pressure_bar', 0.7));
    a.addFinding(finding('noise-x-1', T0 + 12 * MIN, 'spike', 'noise_db', 0.65));
    const joint = risks.filter((r) => r.kind === 'cross_layer');
    expect(joint).toHaveLength(1);
    expect(joint[0]!.layer).toBe('noise+water');
    expect(joint[0]!.score).toBeGreaterThan(0.7);
    expect(joint[0]!.score).toBeCloseTo(1 - 0.3 * 0.35, 10);
  });

  it('tells smoke from heat in the fire layer, and ignores findings too far apart', () => {
    const { a, risks } = analysis();
    a.addFinding(finding('fire-y-1', T0, 'spike', 'smoke_ppm', 0.9));
    a.addFinding(finding('fire-y-1', T0 + 5 * MIN, 'spike', 'temp_c', 0.8));
    a.addFinding(finding('water-z-1', T0, 'dip', 'pressure_bar', 0.9));
    a.addFinding(finding('noise-z-1', T0 + 2 * HOUR, 'spike', 'noise_db', 0.9));
    const joint = risks.filter((r) => r.kind === 'cross_layer');
    expect(joint.map((r) => r.region.id)).toEqual(['y']);
    expect(joint[0]!.explanation).toMatch(/^heat and smoke findings together in Region y/);
  });
});

/** A normal deviate (Box-Muller on 1 - u, so u = 0 cannot reach the logarithm). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
