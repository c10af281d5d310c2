/** The seven kinds of labelled incident a scenario can hold. */
export const INCIDENT_KINDS = [
  'water_main_burst',
  'building_fire',
  'traffic_jam',
  'pollution_episode',
  'stuck_sensor',
  'sensor_drift',
  'silent_device',
] as const;

export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** One incident as a scenario file states it. */
export interface IncidentSpec {
  kind: IncidentKind;
  /** The device of the demo city at the incident's centre (for sensor faults: the device itself). */
  near: string;
  /** Offset from the scenario start: `"30h"`, `"90m"`, `"45s"`, or milliseconds. */
  start: string | number;
  duration: string | number;
  /** Strength, 1 = a typical incident of the kind; 0.2 to 5. */
  intensity?: number;
}

/** A scenario file (JSON or YAML). */
export interface ScenarioSpec {
  format: 'sensegrid-scenario';
  version: 1;
  name?: string;
  /** Seeds the sensors' ordinary signals. */
  seed: number;
  /** The demo city whose sensors are simulated (the gateway's default city is seed 1). */
  city: { seed: number; sensors: number };
  /** Simulated start, ISO 8601. */
  start: string;
  duration: string | number;
  /** Reporting interval of every device. */
  interval: string | number;
  incidents: IncidentSpec[];
}

/** A scenario with times resolved to epoch milliseconds. */
export interface Scenario {
  name: string;
  seed: number;
  city: { seed: number; sensors: number };
  startMs: number;
  endMs: number;
  intervalMs: number;
  incidents: Incident[];
}

export interface Incident {
  id: string;
  kind: IncidentKind;
  near: string;
  startMs: number;
  endMs: number;
  intensity: number;
}

/** One line of the labels file: what happened, to which devices, where and when. */
export interface IncidentLabel {
  id: string;
  kind: IncidentKind;
  devices: string[];
  region: { district: string | null; grid: string | null };
  start: string;
  end: string;
  startMs: number;
  endMs: number;
}
