import { createRandom, gaussian, type Reading } from '@sensegrid/twin';
import { describe, expect, it } from 'vitest';
import { createDetectorStage } from './detector-stage.ts';
import type { SeriesFinding } from './finding.ts';
import { START_MS } from './test-series.ts';

/** Readings from a few devices with spikes, gaps, stuck stretches and bad values, from a seed. */
function randomReadings(seed: number, count: number): Reading[] {
  const random = createRandom(seed);
  const devices = ['air-1', 'air-2', 'noise-1'];
  const clock = new Map(devices.map((d) => [d, START_MS]));
  const readings: Reading[] = [];
  for (let i = 0; i < count; i++) {
    const device = devices[Math.floor(random() * devices.length)]!;
    const gapMs = random() < 0.005 ? 3_600_000 : 60_000 + Math.floor(random() * 240_000);
    const ts = clock.get(device)! + gapMs;
    clock.set(device, ts);
    const day = (ts % 86_400_000) / 86_400_000;
    let pm25 = 20 + 10 * Math.sin(2 * Math.PI * day) + gaussian(random);
    if (random() < 0.002) pm25 += 40 * (random() - 0.3);
    if (random() < 0.001) pm25 = -5;
    readings.push({ device, ts, seq: i, values: { pm25, noise_db: 50 + 5 * gaussian(random) } });
  }
  return readings;
}

function replay(readings: readonly Reading[]): { findings: SeriesFinding[] } {
  const findings: SeriesFinding[] = [];
  const stage = createDetectorStage({ onFinding: (finding) => findings.push(finding) });
  for (const reading of readings) stage.push(reading);
  stage.checkSilence(readings.at(-1)!.ts + 86_400_000);
  return { findings };
}

describe('replaying readings', () => {
  it('gives the same findings every time, for any recording', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const readings = randomReadings(seed, 6000);
      const first = replay(readings);
      const second = replay(structuredClone(readings));
      expect(second, `seed ${seed}`).toEqual(first);
      expect(first.findings.length, `seed ${seed}`).toBeGreaterThan(0);
    }
  });
});
