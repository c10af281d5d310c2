import { createCityIndex, createRandom, type CityModel, type CitySensor } from '@sensegrid/twin';
import { CENTRE_KIND } from './incidents.ts';
import { INCIDENT_KINDS, type IncidentSpec, type ScenarioSpec } from './format.ts';

export interface GenerateOptions {
  /** Seeds the placement and timing of incidents, and the sensors' signals. */
  seed: number;
  city: CityModel;
  citySpec: { seed: number; sensors: number };
  start: string;
  /** Hours of ordinary readings before the first incident (the detectors' warm-up). */
  warmupHours: number;
  /** Incidents of each kind. */
  perKind: number;
  intervalMinutes: number;
}

const DURATION_HOURS: Record<IncidentSpec['kind'], number> = {
  water_main_burst: 2,
  building_fire: 1,
  traffic_jam: 1.5,
  pollution_episode: 4,
  stuck_sensor: 3,
  sensor_drift: 8,
  silent_device: 2,
};

/**
 * A scenario with `perKind` incidents of every kind after `warmupHours` of ordinary readings.
 * Incidents start three at a time, three hours apart, in different districts; each is centred
 * on its own device. Deterministic for a seed.
 */
export function generateScenario(o: GenerateOptions): ScenarioSpec {
  const random = createRandom(o.seed * 7 + 3);
  const index = createCityIndex(o.city);
  const usedDistricts = new Map<number, Set<string>>();
  const usedDevices = new Set<string>();
  const incidents: IncidentSpec[] = [];
  const order = INCIDENT_KINDS.flatMap((kind) => Array.from({ length: o.perKind }, () => kind));
  // Kinds are shuffled so every slot mixes them.
  order.sort(() => random() - 0.5);
  let hours = 0;
  order.forEach((kind, i) => {
    const wanted = CENTRE_KIND[kind];
    const slot = Math.floor(i / 3);
    const startHours = o.warmupHours + slot * 3 + random() * 0.5;
    const district = (s: CitySensor) => index.place(s.lat, s.lon).district ?? '';
    const taken = usedDistricts.get(slot) ?? new Set<string>();
    const candidates = o.city.sensors.filter(
      (s) =>
        (wanted
          ? s.kind === wanted
          : ['air', 'water', 'noise', 'power', 'traffic'].includes(s.kind)) &&
        !usedDevices.has(s.id) &&
        !taken.has(district(s)),
    );
    const centre = candidates[Math.floor(random() * candidates.length)]!;
    usedDevices.add(centre.id);
    taken.add(district(centre));
    usedDistricts.set(slot, taken);
    const durationHours = DURATION_HOURS[kind];
    incidents.push({
      kind,
      near: centre.id,
      start: `${Math.round(startHours * 60)}m`,
      duration: `${durationHours * 60}m`,
      intensity: 1,
    });
    hours = Math.max(hours, startHours + durationHours);
  });
  return {
    format: 'sensegrid-scenario',
    version: 1,
    name: `generated seed ${o.seed}`,
    seed: o.seed,
    city: o.citySpec,
    start: o.start,
    duration: `${Math.ceil(hours + 1) * 60}m`,
    interval: `${o.intervalMinutes}m`,
    incidents,
  };
}
