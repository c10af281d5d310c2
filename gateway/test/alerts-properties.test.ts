import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncidentBook, correlationKey, type SignalOutcome } from '../src/alerts/incident-book.ts';
import { alertId, isOpenState } from '../src/alerts/model.ts';
import { createSignalPlacer, regionName } from '../src/alerts/placement.ts';
import { builtInRules } from '../src/alerts/rules.ts';
import type { Signal } from '../src/alerts/signal.ts';
import { T0, sensorsIn, testTwin } from '../src/alerts/test-city.ts';

const rules = builtInRules();
const twin = testTwin();
const pools: [string, string[]][] = [
  ['water', sensorsIn(twin, 'd02', 'water').slice(0, 4)],
  ['water', sensorsIn(twin, 'd03', 'water').slice(0, 3)],
  ['air', sensorsIn(twin, 'd02', 'air').slice(0, 3)],
];

const newBook = () =>
  new IncidentBook(rules, createSignalPlacer(twin), (id) => regionName(twin, id));

/** Random findings: which pool and device, a gap before it, a score, sometimes a clear. */
const signals = fc.array(
  fc.record({
    pool: fc.integer({ min: 0, max: pools.length - 1 }),
    device: fc.nat(),
    gapMinutes: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 10, max: 120 })),
    score: fc.double({ min: 0.2, max: 1, noNaN: true }),
    kind: fc.constantFrom('spike', 'dip', 'level_shift'),
    // One in ten is a clear.
    clear: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  }),
  { maxLength: 120 },
);

type Step = {
  pool: number;
  device: number;
  gapMinutes: number;
  score: number;
  kind: string;
  clear: boolean;
};

function toSignals(steps: readonly Step[]): Signal[] {
  let t = T0;
  return steps.map((s) => {
    t += s.gapMinutes * 60_000;
    const [layer, devices] = pools[s.pool]!;
    return {
      source: 'detector',
      kind: s.kind,
      layer,
      device: devices[s.device % devices.length]!,
      metric: 'value',
      score: s.score,
      tsMs: t,
      explanation: 'x',
      ...(s.clear ? { clear: true } : {}),
    };
  });
}

describe('correlation, for any sequence of findings', () => {
  it('keeps one open alert per place and layer, accounts for every finding, numbers ids without gaps and replays identically', () => {
    fc.assert(
      fc.property(signals, (steps) => {
        const input = toSignals(steps);
        const run = () => {
          const book = newBook();
          const outcomes: SignalOutcome[] = input.map((s) => book.absorb(s).outcome);
          return { book, outcomes };
        };
        const { book, outcomes } = run();
        const alerts = [...book.alerts.values()];
        // One open alert per place and layer.
        const open = alerts.filter((a) => isOpenState(a.state));
        const keys = open.map((a) => correlationKey(a.place.id, a.layer));
        expect(new Set(keys).size).toBe(keys.length);
        // Every finding that opened or joined is in exactly one alert, in one member.
        const counted = outcomes.filter((o) => o === 'opened' || o === 'joined').length;
        expect(alerts.reduce((n, a) => n + a.findings, 0)).toBe(counted);
        for (const a of alerts) {
          expect([...a.members.values()].reduce((n, m) => n + m.count, 0)).toBe(a.findings);
          expect(a.timeline).toHaveLength(a.findings);
          expect(a.openedAt).toBeLessThanOrEqual(a.lastSignalAt);
        }
        expect(alerts.map((a) => a.id).sort()).toEqual(alerts.map((_, i) => alertId(i + 1)));
        expect(outcomes.filter((o) => o === 'opened')).toHaveLength(alerts.length);
        // The same findings give the same alerts.
        expect([...run().book.alerts.values()]).toEqual(alerts);
      }),
      { numRuns: 150 },
    );
  });
});
