import { findLayer, type CityModel, type CitySensor } from '@sensegrid/twin';
import type { SignalValues } from '../signals.ts';
import type { Incident } from './format.ts';
import { distance, ramp, streetOf, toPolyline } from './geometry.ts';

/** What an incident does to one device's readings; `undefined` out: the device says nothing. */
export type Effect = (
  tMs: number,
  values: SignalValues,
  baseAt: (tMs: number) => SignalValues | undefined,
) => SignalValues | undefined;

/** An incident placed on the city: the devices it touches and how. */
export interface PlacedIncident {
  incident: Incident;
  centre: CitySensor;
  /** Device id -> its effect; the labelled devices are these. */
  effects: Map<string, Effect>;
}

const MINUTE = 60_000;

type Placer = (incident: Incident, centre: CitySensor, city: CityModel) => Map<string, Effect>;

const add = (values: SignalValues, metric: string, delta: number) => {
  if (values[metric] !== undefined) values[metric] = round(values[metric]! + delta);
};

function within(city: CityModel, centre: CitySensor, kind: string, radiusM: number): CitySensor[] {
  return city.sensors.filter((s) => s.kind === kind && distance(s, centre) <= radiusM);
}

/** Pressure drops on the water sensors of the neighbourhood; flow and street noise rise. */
const burst: Placer = (incident, centre, city) => {
  const effects = new Map<string, Effect>();
  const k = incident.intensity;
  const active = (t: number) => t >= incident.startMs && t < incident.endMs;
  const weight = (d: number) => (d <= 250 ? 1 : Math.max(0.4, 1 - (d - 250) / 750));
  for (const s of within(city, centre, 'water', 700)) {
    const w = weight(distance(s, centre));
    effects.set(s.id, (t, v) => {
      if (!active(t)) return v;
      add(v, 'pressure_bar', -Math.min(1.8 * k * w, v.pressure_bar! - 0.2));
      add(v, 'flow_lps', 40 * k * w);
      return v;
    });
  }
  for (const s of within(city, centre, 'noise', 500)) {
    const w = weight(distance(s, centre));
    effects.set(s.id, (t, v) => {
      if (active(t)) add(v, 'noise_db', 18 * k * w);
      return v;
    });
  }
  return effects;
};

/** Smoke and heat in the building's detectors; smoke particles at nearby air stations. */
const fire: Placer = (incident, centre, city) => {
  const effects = new Map<string, Effect>();
  const k = incident.intensity;
  for (const s of within(city, centre, 'fire', 60)) {
    effects.set(s.id, (t, v) => {
      if (t >= incident.endMs) return v;
      add(v, 'smoke_ppm', 300 * k * ramp(t, incident.startMs, 10 * MINUTE));
      add(v, 'temp_c', 60 * k * ramp(t, incident.startMs, 20 * MINUTE));
      return v;
    });
  }
  for (const s of within(city, centre, 'air', 250)) {
    effects.set(s.id, (t, v) => {
      if (t >= incident.endMs) return v;
      const r = ramp(t, incident.startMs, 15 * MINUTE);
      add(v, 'pm25', 80 * k * r);
      add(v, 'pm10', 110 * k * r);
      return v;
    });
  }
  return effects;
};

/** Speed collapses and occupancy rises, starting at the centre and spreading along its road. */
const jam: Placer = (incident, centre, city) => {
  const effects = new Map<string, Effect>();
  const { street, along } = streetOf(centre, city.streets);
  const spreadMps = 0.5;
  const k = incident.intensity;
  for (const s of city.sensors) {
    if (s.kind !== 'traffic') continue;
    const foot = toPolyline(s, street);
    const gap = Math.abs(foot.along - along);
    if (foot.d > 25 || gap > 1500) continue;
    const arrivalMs = incident.startMs + (gap / spreadMps) * 1000;
    if (arrivalMs >= incident.endMs) continue;
    effects.set(s.id, (t, v) => {
      if (t < arrivalMs || t >= incident.endMs) return v;
      // Jammed values keep a share of the sensor's own variation: a jam is slow, not frozen.
      const r = ramp(t, arrivalMs, 10 * MINUTE) * Math.min(1, k);
      const jammedSpeed = 3 + 0.1 * v.speed_kmh!;
      const jammedOccupancy = Math.min(95, 60 * k + 0.5 * v.occupancy!);
      v.speed_kmh = round(v.speed_kmh! + (jammedSpeed - v.speed_kmh!) * r);
      v.occupancy = round(v.occupancy! + (jammedOccupancy - v.occupancy!) * r);
      v.flow_vph = round(v.flow_vph! * (1 - 0.6 * r));
      return v;
    });
  }
  return effects;
};

/** A plume of particles and NO2 drifting east-north-east across the city. */
const pollution: Placer = (incident, centre, city) => {
  const effects = new Map<string, Effect>();
  const k = incident.intensity;
  const speedMps = 0.35;
  const radiusM = 900;
  const heading = 0.3;
  const plumeAt = (t: number) => {
    const s = (Math.max(0, t - incident.startMs) / 1000) * speedMps;
    return { x: centre.x + Math.cos(heading) * s, y: centre.y + Math.sin(heading) * s };
  };
  const strength = (s: CitySensor, t: number) => {
    const d = distance(s, plumeAt(t));
    return Math.exp(-((d / radiusM) ** 2)) * ramp(t, incident.startMs, 30 * MINUTE);
  };
  for (const s of city.sensors) {
    if (s.kind !== 'air') continue;
    let reached = false;
    for (let t = incident.startMs; t < incident.endMs && !reached; t += 5 * MINUTE) {
      reached = strength(s, t) >= 0.4;
    }
    if (!reached) continue;
    effects.set(s.id, (t, v) => {
      if (t < incident.startMs || t >= incident.endMs) return v;
      const w = strength(s, t);
      add(v, 'pm25', 90 * k * w);
      add(v, 'pm10', 130 * k * w);
      add(v, 'no2', 50 * k * w);
      return v;
    });
  }
  return effects;
};

/** The device repeats the reading it took when it got stuck. */
const stuck: Placer = (incident, centre) => {
  let frozen: SignalValues | undefined;
  const effect: Effect = (t, v, baseAt) => {
    if (t < incident.startMs || t >= incident.endMs) return v;
    frozen ??= baseAt(incident.startMs) ?? { ...v };
    return { ...frozen };
  };
  return new Map([[centre.id, effect]]);
};

/** The device's first metric drifts away, by about its normal span over 12 hours. */
const drift: Placer = (incident, centre) => {
  const metric = findLayer(centre.layer)!.metrics[0]!;
  const span = metric.normal[1] - metric.normal[0];
  const effect: Effect = (t, v) => {
    if (t < incident.startMs || t >= incident.endMs) return v;
    add(v, metric.name, (span * incident.intensity * (t - incident.startMs)) / (12 * 3_600_000));
    return v;
  };
  return new Map([[centre.id, effect]]);
};

const silent: Placer = (incident, centre) =>
  new Map<string, Effect>([
    [centre.id, (t, v) => (t >= incident.startMs && t < incident.endMs ? undefined : v)],
  ]);

const PLACERS: Record<Incident['kind'], Placer> = {
  water_main_burst: burst,
  building_fire: fire,
  traffic_jam: jam,
  pollution_episode: pollution,
  stuck_sensor: stuck,
  sensor_drift: drift,
  silent_device: silent,
};

/** The device kind an incident's centre must be. */
export const CENTRE_KIND: Record<Incident['kind'], string | undefined> = {
  water_main_burst: 'water',
  building_fire: 'fire',
  traffic_jam: 'traffic',
  pollution_episode: 'air',
  stuck_sensor: undefined,
  sensor_drift: undefined,
  silent_device: undefined,
};

/** Places an incident on the city; throws when its centre is not a device of the right kind. */
export function placeIncident(incident: Incident, city: CityModel): PlacedIncident {
  const centre = city.sensors.find((s) => s.id === incident.near);
  const want = CENTRE_KIND[incident.kind];
  if (!centre || (want && centre.kind !== want)) {
    throw new Error(
      `SENSEGRID_SCENARIO_INVALID: incident ${incident.id} is near "${incident.near}", which is not ` +
        `${want ? `a ${want} sensor` : 'a sensor'} of the city; pick one from the city's sensors.`,
    );
  }
  return { incident, centre, effects: PLACERS[incident.kind](incident, centre, city) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
