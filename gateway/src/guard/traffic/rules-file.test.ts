import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrafficMonitor, type TrafficFinding } from '../traffic-monitor.ts';
import { DEFAULT_TRAFFIC_OPTIONS, type TrafficOptions } from './options.ts';
import { loadTrafficRules, parseTrafficRules } from './rules-file.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-traffic-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T = Date.UTC(2026, 5, 1);

/** A monitor that has learnt one publish a second from `sensor-1` for a minute. */
function steadyMonitor(options: Partial<TrafficOptions>) {
  const findings: TrafficFinding[] = [];
  const monitor = createTrafficMonitor((finding) => findings.push(finding), options);
  monitor.connected('sensor-1', '10.0.0.7', T);
  for (let s = 0; s < 60; s++)
    monitor.published('sensor-1', 'devices/sensor-1/readings', 80, T + s * 1000);
  return { monitor, findings, lastMs: T + 59_000 };
}

/** 60 publishes within one second (12x the usual rate over a 5 s bucket). */
function burst(options: Partial<TrafficOptions>): string[] {
  const { monitor, findings, lastMs } = steadyMonitor(options);
  const start = lastMs + 1000;
  for (let i = 0; i < 60; i++)
    monitor.published('sensor-1', 'devices/sensor-1/readings', 80, start + i * 10);
  return findings.map((f) => f.kind);
}

/** Kinds found when `sensor-1` goes quiet for 20 s. */
function quiet(options: Partial<TrafficOptions>): string[] {
  const { monitor, findings, lastMs } = steadyMonitor(options);
  for (let s = 1; s <= 20; s++) monitor.check(lastMs + s * 1000);
  return findings.map((f) => f.kind);
}

describe('--traffic-rules files', () => {
  it('judges a burst by the flood factor the file gives', () => {
    expect(burst({})).toEqual(['flood']);
    expect(burst(parseTrafficRules('floodFactor: 20\n'))).toEqual([]);
  });

  it('judges a quiet device by the silence minimum the file gives, written as a duration', () => {
    expect(DEFAULT_TRAFFIC_OPTIONS.silenceMinMs).toBe(60_000);
    expect(quiet({})).toEqual([]);
    const rules = parseTrafficRules('silenceMinMs: 15s\n');
    expect(rules).toEqual({ silenceMinMs: 15_000 });
    expect(quiet(rules)).toEqual(['silence']);
  });

  it('reads YAML and JSON files, durations as 60s or 10m or milliseconds', async () => {
    const yaml = join(dir, 'traffic.yaml');
    await writeFile(yaml, 'bucketMs: 2s\nsharedIdWindowMs: 10m\nrepeatMs: 30000\nmaxTopics: 32\n');
    expect(loadTrafficRules(yaml)).toEqual({
      bucketMs: 2000,
      sharedIdWindowMs: 600_000,
      repeatMs: 30_000,
      maxTopics: 32,
    });
    const json = join(dir, 'traffic.json');
    await writeFile(json, JSON.stringify({ floodFactor: 4.5, churnWindowMs: '2m' }));
    expect(loadTrafficRules(json)).toEqual({ floodFactor: 4.5, churnWindowMs: 120_000 });
    expect(parseTrafficRules('')).toEqual({});
  });

  it('refuses unknown keys and bad values, naming each with its line and the file', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'floodFactor: 0.5\nsilenceMin: 30s\nbucketMs: soon\nmaxDevices: 2.5\n');
    let message = '';
    try {
      loadTrafficRules(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^SENSEGRID_CONFIG_INVALID: --traffic-rules \(SENSEGRID_TRAFFIC_RULES\) /,
    );
    expect(message).toContain(file);
    expect(message).toContain('line 1, floodFactor: must be a number above 1');
    expect(message).toContain(
      'line 2, silenceMin: not a setting of the traffic monitor (silenceMinMs?)',
    );
    expect(message).toContain('line 3, bucketMs: use a duration like 12h, 30m or 90s');
    expect(message).toContain('line 4, maxDevices: must be a whole number of at least 1');
    expect(message.indexOf('line 1')).toBeLessThan(message.indexOf('line 2'));
    // What to do: the settings there are, and where the format is shown.
    expect(message).toContain('silenceMinMs');
    expect(message).toContain('README');
  });

  it('refuses a file that is not a map of settings, or not YAML', () => {
    expect(() => parseTrafficRules('- floodFactor\n- 20\n', 'list.yaml')).toThrow(
      /list\.yaml:\n {2}- line 1: the file must be a map of settings to values/,
    );
    expect(() => parseTrafficRules('floodFactor: [20\n', 'broken.yaml')).toThrow(
      /SENSEGRID_CONFIG_INVALID: .*broken\.yaml:\n {2}- line \d+: /,
    );
  });

  it("accepts the README's example", () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const example = /`--traffic-rules <file>`[^]*?```yaml\n([^]*?)```/.exec(readme)![1]!;
    expect(parseTrafficRules(example, 'README')).toMatchObject({
      floodFactor: 20,
      silenceMinMs: 300_000,
      repeatMs: 600_000,
    });
  });

  it('says when the file is missing, and what to do', () => {
    const missing = join(dir, 'nowhere.yaml');
    expect(() => loadTrafficRules(missing)).toThrow(
      `SENSEGRID_CONFIG_INVALID: --traffic-rules (SENSEGRID_TRAFFIC_RULES): the file ${missing} cannot be read`,
    );
    expect(() => loadTrafficRules(missing)).toThrow(/leave it out for the built-in thresholds/);
  });
});
