import { parse as parseYaml } from 'yaml';
import { INCIDENT_KINDS, type Incident, type Scenario, type ScenarioSpec } from './format.ts';

/** A scenario file that cannot be used, with every problem found. */
export class ScenarioError extends Error {
  readonly code = 'SENSEGRID_SCENARIO_INVALID';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `SENSEGRID_SCENARIO_INVALID: ${file}:\n  - ${problems.join('\n  - ')}\n` +
        'See firmware-sim/scenarios/README.md for the format.',
    );
  }
}

/** `"90m"` -> 5_400_000; also `ms`, `s`, `h`, `d` and plain milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\+?\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Math.round(Number(match[1]) * unit);
}

/** Reads scenario text (JSON, or YAML when `file` ends in .yaml/.yml); throws ScenarioError. */
export function parseScenario(text: string, file = 'scenario'): Scenario {
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(file, [
      `not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    ]);
  }
  return resolveScenario(raw, file);
}

/** Checks a scenario object and resolves its times; throws ScenarioError listing every problem. */
export function resolveScenario(raw: unknown, file = 'scenario'): Scenario {
  const problems: string[] = [];
  const spec = (raw ?? {}) as Partial<ScenarioSpec>;
  if (spec.format !== 'sensegrid-scenario') problems.push('"format" must be "sensegrid-scenario"');
  if (spec.version !== 1) problems.push('"version" must be 1');
  const whole = (name: string, value: unknown, min: number) => {
    if (!(Number.isInteger(value) && (value as number) >= min)) {
      problems.push(`"${name}" must be a whole number >= ${min} (got ${JSON.stringify(value)})`);
    }
  };
  whole('seed', spec.seed, 0);
  whole('city.seed', spec.city?.seed, 0);
  whole('city.sensors', spec.city?.sensors, 1);
  const startMs = typeof spec.start === 'string' ? Date.parse(spec.start) : Number.NaN;
  if (!Number.isFinite(startMs))
    problems.push('"start" must be an ISO 8601 time, e.g. "2026-11-02T00:00:00Z"');
  const durationMs = parseDuration(spec.duration);
  if (!durationMs) problems.push('"duration" must be a duration such as "48h"');
  const intervalMs = parseDuration(spec.interval);
  if (!intervalMs || intervalMs < 1000)
    problems.push('"interval" must be a duration of at least 1s, e.g. "5m"');
  if (!Array.isArray(spec.incidents)) problems.push('"incidents" must be a list');
  const incidents: Incident[] = [];
  (Array.isArray(spec.incidents) ? spec.incidents : []).forEach((item, i) => {
    const at = `incidents[${i}]`;
    if (!INCIDENT_KINDS.includes(item?.kind)) {
      problems.push(
        `${at}.kind must be one of ${INCIDENT_KINDS.join(', ')} (got ${JSON.stringify(item?.kind)})`,
      );
    }
    if (typeof item?.near !== 'string' || item.near === '')
      problems.push(`${at}.near must name a device of the city`);
    const offset = parseDuration(item?.start);
    const length = parseDuration(item?.duration);
    if (offset === undefined) problems.push(`${at}.start must be an offset such as "30h"`);
    if (!length) problems.push(`${at}.duration must be a duration such as "2h"`);
    const intensity = item?.intensity ?? 1;
    if (!(typeof intensity === 'number' && intensity >= 0.2 && intensity <= 5)) {
      problems.push(
        `${at}.intensity must be a number from 0.2 to 5 (got ${JSON.stringify(intensity)})`,
      );
    }
    if (offset !== undefined && length && durationMs && offset + length > durationMs) {
      problems.push(`${at} ends after the scenario (start + duration > ${spec.duration})`);
    }
    if (offset !== undefined && length) {
      incidents.push({
        id: `${item.kind}-${i + 1}`,
        kind: item.kind,
        near: item.near,
        startMs: startMs + offset,
        endMs: startMs + offset + length,
        intensity,
      });
    }
  });
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return {
    name: spec.name ?? file,
    seed: spec.seed!,
    city: { seed: spec.city!.seed, sensors: spec.city!.sensors },
    startMs,
    endMs: startMs + durationMs!,
    intervalMs: intervalMs!,
    incidents,
  };
}
