import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadScenario,
  parseScenario,
  parseSimArgs,
  scenarioSteps,
  writeLabels,
  type ScenarioSpec,
} from '@sensegrid/firmware-sim';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const SPEC: ScenarioSpec = {
  format: 'sensegrid-scenario',
  version: 1,
  name: 'round trip',
  seed: 3,
  city: { seed: 1, sensors: 200 },
  start: '2026-11-02T00:00:00Z',
  duration: '6h',
  interval: '5m',
  incidents: [
    { kind: 'water_main_burst', near: 'water-0001', start: '2h', duration: '1h' },
    { kind: 'silent_device', near: 'air-0002', start: '3h', duration: '1h' },
    { kind: 'stuck_sensor', near: 'noise-0001', start: '1h', duration: '2h' },
  ],
};

describe('scenario files', () => {
  it('loads a scenario, simulates its incidents and writes their labels', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sensegrid-scenario-'));
    const file = join(dir, 'burst.json');
    await writeFile(file, JSON.stringify(SPEC));
    const prepared = await loadScenario(file);
    expect(prepared.devices).toHaveLength(200);

    const labelsFile = join(dir, 'burst.labels.ndjson');
    await writeLabels(labelsFile, prepared.labels);
    const labels = (await readFile(labelsFile, 'utf8'))
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            kind: string;
            devices: string[];
            start: string;
            end: string;
            region: { district: string };
          },
      );
    expect(labels.map((l) => l.kind)).toEqual([
      'water_main_burst',
      'silent_device',
      'stuck_sensor',
    ]);
    expect(labels[0]!.devices).toContain('water-0001');
    expect(labels[0]!.start).toBe('2026-11-02T02:00:00.000Z');
    expect(labels[0]!.end).toBe('2026-11-02T03:00:00.000Z');
    expect(labels[0]!.region.district).toMatch(/^d0\d$/);

    const startMs = Date.parse('2026-11-02T00:00:00Z');
    const pressure: [number, number][] = [];
    const silentTimes: number[] = [];
    const stuck: number[] = [];
    for (const step of scenarioSteps(prepared)) {
      for (const r of step.readings) {
        if (r.device === 'water-0001') pressure.push([r.ts - startMs, r.values.pressure_bar!]);
        if (r.device === 'air-0002') silentTimes.push(r.ts - startMs);
        if (
          r.device === 'noise-0001' &&
          r.ts - startMs >= 3_600_000 &&
          r.ts - startMs < 3 * 3_600_000
        ) {
          stuck.push(r.values.noise_db!);
        }
      }
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const during = pressure
      .filter(([t]) => t >= 2 * 3_600_000 && t < 3 * 3_600_000)
      .map(([, v]) => v);
    const before = pressure.filter(([t]) => t >= 3_600_000 && t < 2 * 3_600_000).map(([, v]) => v);
    expect(mean(before) - mean(during)).toBeGreaterThan(1.2);
    expect(silentTimes.some((t) => t >= 3 * 3_600_000 && t < 4 * 3_600_000)).toBe(false);
    expect(silentTimes.length).toBe(72 - 12);
    expect(new Set(stuck).size).toBe(1);
  });

  it('reads YAML, and reports every problem of a bad file at once', () => {
    const yaml = [
      'format: sensegrid-scenario',
      'version: 1',
      'seed: 1',
      'city: { seed: 1, sensors: 50 }',
      'start: 2026-11-02T00:00:00Z',
      'duration: 2h',
      'interval: 1m',
      'incidents:',
      '  - { kind: building_fire, near: fire-0001, start: 30m, duration: 20m, intensity: 2 }',
    ].join('\n');
    expect(parseScenario(yaml, 'fire.yaml').incidents[0]).toMatchObject({
      kind: 'building_fire',
      intensity: 2,
    });

    const bad = {
      ...SPEC,
      interval: 'often',
      incidents: [{ kind: 'flood', near: '', start: '7h', duration: '1h' }],
    };
    let message = '';
    try {
      parseScenario(JSON.stringify(bad), 'bad.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^SENSEGRID_SCENARIO_INVALID: bad.json/);
    expect(message).toMatch(/"interval" must be a duration/);
    expect(message).toMatch(/incidents\[0\]\.kind must be one of water_main_burst/);
    expect(message).toMatch(/incidents\[0\]\.near must name a device/);
    expect(message).toMatch(/incidents\[0\] ends after the scenario/);
  });

  it('takes --scenario and --labels on the sim command line', () => {
    expect(parseSimArgs(['--scenario', 'runs/burst.yaml'])).toMatchObject({
      kind: 'run',
      scenario: { file: 'runs/burst.yaml', labels: 'runs/burst.labels.ndjson' },
    });
    expect(parseSimArgs(['--scenario', 'a.json', '--labels', 'out.ndjson'])).toMatchObject({
      scenario: { file: 'a.json', labels: 'out.ndjson' },
    });
    expect(parseSimArgs(['--labels', 'out.ndjson'])).toEqual({
      kind: 'invalid',
      problems: ['--labels goes with --scenario. Add --scenario <file>.'],
    });
  });
});
