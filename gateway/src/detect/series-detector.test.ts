import { LAYERS } from '@sensegrid/twin';
import { describe, expect, it } from 'vitest';
import { resolveDetectorOptions } from './options.ts';
import { DAY_POINTS, runDetector, seasonalSeries, START_MS, STEP_MS } from './test-series.ts';

const PM25 = LAYERS.flatMap((layer) => layer.metrics).find((m) => m.name === 'pm25')!;
const kinds = (run: ReturnType<typeof runDetector>) =>
  run.findings.map((f) => `${f.index}:${f.kind}`);

describe('createSeriesDetector', () => {
  it('gives no findings on clean seasonal series after warm-up', () => {
    for (const seed of [1, 2, 3]) {
      for (const noise of [0.5, 1, 2]) {
        const run = runDetector(seasonalSeries(30 * DAY_POINTS, seed, noise));
        expect(run.findings, `seed ${seed}, noise ${noise}`).toEqual([]);
      }
    }
  });

  it('flags a spike at the spike and says how far it is from the usual level for that hour', () => {
    const values = seasonalSeries(10 * DAY_POINTS, 1);
    values[2500]! += 15;
    const run = runDetector(values, { metric: 'pm25', detector: { metric: PM25 } });
    expect(kinds(run)).toEqual(['2500:spike']);
    const [finding] = run.findings;
    expect(finding!.score).toBeGreaterThanOrEqual(0.6);
    expect(finding!.explanation).toMatch(
      /^pm25 \d+(\.\d+)? ug\/m3, \d+\.\d robust sigmas above its usual level for 16:00 \(/,
    );
  });

  it('stops reporting weekends once its hour-of-week baseline has learnt them', () => {
    const weekend = (i: number) => Math.floor(i / DAY_POINTS) % 7 >= 5;
    const values = seasonalSeries(42 * DAY_POINTS, 5).map((v, i) => (weekend(i) ? v - 10 : v));
    const run = runDetector(values);
    expect(run.findings.length).toBeGreaterThan(0);
    for (const finding of run.findings) expect(finding.index).toBeLessThan(14 * DAY_POINTS);
  });

  it('flags a dip at the dip', () => {
    const values = seasonalSeries(10 * DAY_POINTS, 1);
    values[2500]! -= 15;
    expect(kinds(runDetector(values))).toEqual(['2500:dip']);
  });

  it('flags a level shift where it starts and names it once it has lasted', () => {
    const values = seasonalSeries(10 * DAY_POINTS, 1).map((v, i) => (i >= 2500 ? v + 25 : v));
    const run = runDetector(values);
    expect(kinds(run)).toEqual(['2500:spike', '2511:level_shift']);
    expect(run.findings[1]!.explanation).toContain('% of its history');
  });

  it('flags a day whose pattern breaks (the high phase missing) as a pattern change', () => {
    const square = (i: number) => (i % DAY_POINTS >= 96 && i % DAY_POINTS < 192 ? 30 : 0);
    const values = seasonalSeries(10 * DAY_POINTS, 2, 0.5).map((v, i) =>
      i >= 8 * DAY_POINTS && i < 9 * DAY_POINTS ? v : v + square(i),
    );
    const run = runDetector(values);
    const first = 8 * DAY_POINTS + 96;
    expect(run.findings[0]).toMatchObject({ index: first, kind: 'dip' });
    expect(run.findings[1]).toMatchObject({ index: first + 11, kind: 'pattern_change' });
  });

  it('flags a slow drift long before it leaves the usual range', () => {
    const start = 8 * DAY_POINTS;
    const values = seasonalSeries(15 * DAY_POINTS, 1).map((v, i) =>
      i >= start ? v + 0.005 * (i - start) : v,
    );
    const run = runDetector(values);
    expect(run.findings.length).toBe(1);
    expect(run.findings[0]!.kind).toBe('drift');
    const index = run.findings[0]!.index;
    expect(index).toBeGreaterThan(start + 50);
    // 0.005 per reading: flagged at under 4 units (4 sigmas of noise) on a daily swing of 20
    expect(0.005 * (index - start)).toBeLessThan(4);
  });

  it('flags a jump in variance', () => {
    const base = seasonalSeries(10 * DAY_POINTS, 1);
    const clean = seasonalSeries(10 * DAY_POINTS, 1, 0);
    const values = base.map((v, i) => (i >= 2500 ? clean[i]! + 5 * (v - clean[i]!) : v));
    const run = runDetector(values);
    expect(run.findings.map((f) => f.kind)).toContain('variance_change');
    expect(run.findings[0]!.index).toBeGreaterThanOrEqual(2500);
    expect(run.findings[0]!.index).toBeLessThan(2520);
  });

  it('reports a reading outside the physical range at once, even during warm-up', () => {
    const values = [10, 12, 11, -3, -4, 12, 1500];
    const run = runDetector(values, { metric: 'pm25', detector: { metric: PM25 } });
    expect(kinds(run)).toEqual(['3:out_of_range', '6:out_of_range']);
    expect(run.findings[0]!.score).toBe(1);
    expect(run.findings[0]!.explanation).toBe(
      'pm25 -3 ug/m3 is outside what the sensor can report (0 to 1000 ug/m3).',
    );
  });

  it('reports a stuck sensor after N identical readings from a series that used to vary', () => {
    const values = seasonalSeries(2000, 1);
    for (let i = 1500; i < 1540; i++) values[i] = values[1499]!;
    const run = runDetector(values);
    // Being stuck also makes the series smoother than usual, reported as a variance change.
    expect(kinds(run)).toEqual(['1510:flatline', '1526:variance_change']);
    expect(run.findings[0]!.explanation).toContain('the same value 12 times in a row');
    expect(runDetector(new Array<number>(500).fill(7)).findings).toEqual([]);
  });

  it('calls a fast sensor stuck only once its value has held for ten minutes', () => {
    // A sensor reporting every second: whole numbers that change now and then, then 0 held.
    const values = Array.from({ length: 3000 }, (_, i) => Math.round(20 + 10 * Math.sin(i / 40)));
    const held = (seconds: number) => {
      const series = [...values];
      for (let i = 2000; i < 2000 + seconds; i++) series[i] = 0;
      const times = series.map((_, i) => START_MS + i * 1000);
      return runDetector(series, { times }).findings.filter((f) => f.kind === 'flatline');
    };
    expect(held(300)).toEqual([]); // five minutes of 0: a quiet road, not a stuck sensor
    const stuck = held(800);
    expect(stuck).toHaveLength(1);
    expect(stuck[0]!.index).toBe(2600); // ten minutes after the value first held
  });

  it('reports missing data after several missed intervals, not after a late reading', () => {
    const values = seasonalSeries(400, 1);
    const times = values.map(
      (_, i) =>
        START_MS + i * STEP_MS + (i >= 200 ? 3 * STEP_MS : 0) + (i >= 300 ? 6 * STEP_MS : 0),
    );
    const run = runDetector(values, { times });
    expect(kinds(run)).toEqual(['300:missing']);
    expect(run.findings[0]!.explanation).toContain('7 times its usual interval of 5 min');
  });

  it('keeps every score in [0, 1] on irregular, gappy, out-of-order input', () => {
    const values = seasonalSeries(3000, 4);
    let t = START_MS;
    const times = values.map((_, i) => (t += i % 97 === 0 ? -60_000 : ((i * 7919) % 13) * 60_000));
    const run = runDetector(values, { times });
    for (const score of run.scores) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
  });
});

describe('resolveDetectorOptions', () => {
  it('names every bad option at once', () => {
    expect(() => resolveDetectorOptions({ warmupPoints: 0, reportScore: 2 })).toThrow(
      /SENSEGRID_DETECT_BAD_OPTION: warmupPoints must be a whole number of at least 1 \(got 0\); reportScore must be between 0 and 1 \(got 2\)/,
    );
  });
});
