import { describe, expect, it } from 'vitest';
import { prepareScenario, resolveScenario } from '@sensegrid/firmware-sim';
import { matchSignal } from '../eval/detect-match.ts';
import { runScenario } from '../eval/detect-run.ts';

describe('a scenario through the real gateway', () => {
  it(
    'detects a water main burst from readings published over MQTT',
    { timeout: 600_000 },
    async () => {
      const prepared = prepareScenario(
        resolveScenario({
          format: 'sensegrid-scenario',
          version: 1,
          name: 'one burst',
          seed: 5,
          city: { seed: 1, sensors: 80 },
          start: '2026-11-02T00:00:00Z',
          duration: '33h',
          interval: '5m',
          incidents: [
            { kind: 'water_main_burst', near: 'water-0003', start: '30h', duration: '2h' },
          ],
        }),
      );
      const [label] = prepared.labels;
      const run = await runScenario(prepared);
      expect(run.readings).toBe(80 * 33 * 12);

      const detections = run.signals.filter(
        (signal) =>
          matchSignal(signal, [label!], {
            toleranceMs: 0,
            regionsOf: (device) => run.regions.get(device) ?? [],
          }) !== undefined,
      );
      expect(detections.length).toBeGreaterThan(0);
      const first = Math.min(...detections.map((s) => s.tsMs));
      expect(first).toBeGreaterThanOrEqual(label!.startMs);
      // With a day of history and no neighbouring sensor, the trend of the falling pressure
      // gives the first warning: before the pressure passes its 2-bar limit.
      const trending = detections.find((s) => s.source === 'risk' && s.kind === 'trending');
      expect(trending?.device).toBe('water-0003');
      expect(trending?.explanation).toMatch(
        /^pressure_bar in .* \(water-0003\) falling .* expected to pass 2 at/,
      );
    },
  );
});
