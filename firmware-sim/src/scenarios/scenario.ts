import { readFile, writeFile } from 'node:fs/promises';
import { createCityIndex, createDemoCity, type CityModel, type CitySensor } from '@sensegrid/twin';
import { createDeviceSignals, type SignalValues } from '../signals.ts';
import type { IncidentLabel, Scenario } from './format.ts';
import { placeIncident, type PlacedIncident } from './incidents.ts';
import { parseScenario } from './parse.ts';

/** A scenario made ready to run: its city, devices, placed incidents and labels. */
export interface PreparedScenario {
  scenario: Scenario;
  city: CityModel;
  devices: readonly CitySensor[];
  incidents: readonly PlacedIncident[];
  labels: readonly IncidentLabel[];
  /** What a device reports at `tMs` (its ordinary signal changed by any incident), or nothing. */
  sample(device: string, tMs: number): SignalValues | undefined;
}

export async function loadScenario(file: string): Promise<PreparedScenario> {
  return prepareScenario(parseScenario(await readFile(file, 'utf8'), file));
}

export function prepareScenario(scenario: Scenario, city?: CityModel): PreparedScenario {
  const model =
    city ?? createDemoCity({ seed: scenario.city.seed, sensors: scenario.city.sensors });
  const incidents = scenario.incidents.map((incident) => placeIncident(incident, model));
  const index = createCityIndex(model);
  const labels = incidents.map(({ incident, centre, effects }) => {
    const placement = index.place(centre.lat, centre.lon);
    return {
      id: incident.id,
      kind: incident.kind,
      devices: [...effects.keys()].sort(),
      region: { district: placement.district ?? null, grid: placement.grid ?? null },
      start: new Date(incident.startMs).toISOString(),
      end: new Date(incident.endMs).toISOString(),
      startMs: incident.startMs,
      endMs: incident.endMs,
    } satisfies IncidentLabel;
  });
  const samplers = new Map(
    model.sensors.map((s) => [s.id, createDeviceSignals(s, { seed: scenario.seed, gapRate: 0 })]),
  );
  const effectsOf = new Map<
    string,
    PlacedIncident['effects'] extends Map<string, infer E> ? E[] : never
  >();
  for (const placed of incidents) {
    for (const [device, effect] of placed.effects) {
      const list = effectsOf.get(device) ?? [];
      list.push(effect);
      effectsOf.set(device, list);
    }
  }
  return {
    scenario,
    city: model,
    devices: model.sensors,
    incidents,
    labels,
    sample(device, tMs) {
      const base = samplers.get(device);
      if (!base) return undefined;
      let values = base(tMs);
      for (const effect of effectsOf.get(device) ?? []) {
        if (values === undefined) break;
        values = effect(tMs, values, base);
      }
      return values;
    },
  };
}

/** The labels as NDJSON, one incident a line. */
export function formatLabels(labels: readonly IncidentLabel[]): string {
  return labels.map((label) => JSON.stringify(label)).join('\n') + (labels.length ? '\n' : '');
}

export async function writeLabels(file: string, labels: readonly IncidentLabel[]): Promise<void> {
  await writeFile(file, formatLabels(labels));
}

/** One reporting interval of the scenario: every device's reading at its time. */
export interface ScenarioStep {
  tMs: number;
  readings: { device: string; ts: number; values: SignalValues }[];
}

/**
 * Walks the scenario from start to end, one reporting interval at a time; each device
 * reports at its own phase within the interval, so readings of one step are in time order.
 */
export function* scenarioSteps(prepared: PreparedScenario): Generator<ScenarioStep> {
  const { startMs, endMs, intervalMs } = prepared.scenario;
  const phases = prepared.devices
    .map((d, i) => ({ id: d.id, phase: Math.floor((((i * 7919) % 997) / 997) * intervalMs) }))
    .sort((a, b) => a.phase - b.phase);
  for (let t = startMs; t < endMs; t += intervalMs) {
    const readings: ScenarioStep['readings'] = [];
    for (const { id, phase } of phases) {
      const ts = t + phase;
      const values = prepared.sample(id, ts);
      if (values) readings.push({ device: id, ts, values });
    }
    yield { tMs: t, readings };
  }
}
