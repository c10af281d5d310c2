import { describe, expect, it } from 'vitest';
import { createDetectorStage } from './detector-stage.ts';
import type { SeriesFinding } from './finding.ts';
import { DAY_POINTS, seasonalSeries, START_MS, STEP_MS } from './test-series.ts';

describe('createDetectorStage', () => {
  it('keeps one state per device and metric and places each finding on its series', () => {
    const findings: SeriesFinding[] = [];
    const stage = createDetectorStage({ onFinding: (f) => findings.push(f) });
    const a = seasonalSeries(3 * DAY_POINTS, 1);
    const b = seasonalSeries(3 * DAY_POINTS, 2);
    a[700]! += 20;
    for (let i = 0; i < a.length; i++) {
      const ts = START_MS + i * STEP_MS;
      stage.push({ device: 'air-1', ts, values: { pm25: a[i]!, no2: b[i]! } });
      stage.push({ device: 'air-2', ts, values: { pm25: b[i]! } });
    }
    expect(stage.seriesCount).toBe(3);
    expect(findings.map((f) => [f.device, f.metric, f.kind, f.tsMs])).toEqual([
      ['air-1', 'pm25', 'spike', START_MS + 700 * STEP_MS],
    ]);
    expect(findings[0]!.explanation).toMatch(/^pm25 \d+(\.\d+)? ug\/m3, /);
  });

  it('uses the twin layers for physical ranges', () => {
    const findings: SeriesFinding[] = [];
    const stage = createDetectorStage({ onFinding: (f) => findings.push(f) });
    stage.push({
      device: 'weather-1',
      ts: START_MS,
      values: { humidity_pct: 140, temperature_c: 12 },
    });
    expect(findings.map((f) => [f.metric, f.kind])).toEqual([['humidity_pct', 'out_of_range']]);
  });

  it('reports a silent series once, from the time the caller gives', () => {
    const findings: SeriesFinding[] = [];
    const stage = createDetectorStage({ onFinding: (f) => findings.push(f) });
    for (let i = 0; i < 50; i++)
      stage.push({ device: 'air-1', ts: START_MS + i * 60_000, values: { pm25: 10 } });
    const last = START_MS + 49 * 60_000;
    stage.checkSilence(last + 3 * 60_000);
    expect(findings).toEqual([]);
    stage.checkSilence(last + 10 * 60_000);
    stage.checkSilence(last + 20 * 60_000);
    expect(findings.map((f) => [f.device, f.kind, f.tsMs])).toEqual([
      ['air-1', 'missing', last + 10 * 60_000],
    ]);
    expect(findings[0]!.explanation).toBe(
      'pm25: no reading for 10 min, 10 times its usual interval of 1 min.',
    );
  });

  it('forgets the oldest series past maxSeries', () => {
    const stage = createDetectorStage({ onFinding: () => undefined, maxSeries: 2 });
    for (const device of ['a', 'b', 'c']) stage.push({ device, ts: START_MS, values: { pm25: 1 } });
    expect(stage.seriesCount).toBe(2);
  });
});
