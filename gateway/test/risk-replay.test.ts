import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reading } from '@sensegrid/twin';
import { createRiskAnalysis, type Risk, type RiskPlace } from '../src/risk/index.ts';

const T0 = Date.UTC(2026, 10, 2);
const LAYER_OF: Record<string, string> = {
  pressure_bar: 'water',
  noise_db: 'noise',
  pm25: 'air',
  smoke_ppm: 'fire',
};

function place(device: string): RiskPlace {
  const [layer, region] = device.split('-') as [string, string];
  return {
    layer,
    regions: [
      { system: 'ops', id: region, name: region },
      { system: 'district', id: `d${region.charCodeAt(0) % 2}`, name: 'District' },
    ],
  };
}

const event = fc.record({
  minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  region: fc.constantFrom('a', 'b', 'c'),
  metric: fc.constantFrom(...Object.keys(LAYER_OF)),
  n: fc.integer({ min: 0, max: 3 }),
  finding: fc.option(fc.constantFrom('spike', 'dip', 'level_shift', 'missing'), { nil: undefined }),
  value: fc.double({ min: 0, max: 100, noNaN: true }),
  score: fc.double({ min: 0.5, max: 1, noNaN: true }),
});

type Event = typeof event extends fc.Arbitrary<infer E> ? E : never;

function replay(events: Event[]): Risk[] {
  const risks: Risk[] = [];
  const analysis = createRiskAnalysis({ placeOf: place, onRisk: (r) => risks.push(r) });
  const sorted = [...events].sort((x, y) => x.minute - y.minute);
  for (const e of sorted) {
    const device = `${LAYER_OF[e.metric]}-${e.region}-${e.n}`;
    const ts = T0 + e.minute * 60_000;
    analysis.addReadings([{ device, ts, values: { [e.metric]: e.value } } as Reading]);
    if (e.finding) {
      analysis.addFinding({ device, metric: e.metric, kind: e.finding, score: e.score, tsMs: ts });
    }
  }
  return [...risks, ...analysis.current()];
}

describe('risk analysis replay', () => {
  it('gives the same risks when the same readings and findings are replayed', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 400 }), (events) => {
        expect(replay(events)).toEqual(replay(events));
      }),
      { numRuns: 50 },
    );
  });
});
