import type { CityDevice } from '@sensegrid/twin';
import type { Scheduler } from './scheduler.ts';

export interface SimDeviceOptions {
  /** Broker URL: mqtt://host:port, mqtts://, ws://host:port/mqtt or wss://. */
  url: string;
  device: CityDevice;
  seed: number;
  /** Time between readings in ms; 1000 by default. A `{ "interval_ms": n }` command changes it. */
  intervalMs?: number;
  /** QoS of reading publishes; 1 by default. */
  qos?: 0 | 1;
  /** Readings per message; 1 by default (a JSON object), more sends a JSON array. */
  batch?: number;
  /** Readings kept while offline or while the broker is slow; the oldest are dropped beyond it. */
  bufferLimit?: number;
  /** Messages awaiting acknowledgement before new readings wait in the buffer; 100 by default. */
  maxInFlight?: number;
  /** Username; the device id by default when a password is given. */
  username?: string;
  password?: string;
  /** Reported in the device's meta; `sensegrid-sim/0.1.0` by default. */
  firmware?: string;
  /** Share of one-minute slots with no reading (see signals); 0 disables gaps. */
  gapRate?: number;
  /** The seq of the first reading; 1 by default, higher to resume a counter. */
  startSeq?: number;
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  keepaliveSeconds?: number;
  /** A shared scheduler; each device gets its own by default. */
  scheduler?: Scheduler;
  /** What the device reports at a simulated time (a scenario's); its ordinary signals by default. */
  sample?: (tMs: number) => Record<string, number> | undefined;
  /** Maps the scheduler clock to the simulated epoch ms a reading is stamped with. */
  simTime?: (schedulerMs: number) => number;
}

/** Counters of one device; readings, not messages, except where named. */
export interface SimDeviceStats {
  connected: boolean;
  /** Successful connections so far. */
  connects: number;
  /** Readings handed to the MQTT client while connected. */
  sent: number;
  /** Readings acknowledged: PUBACK for QoS 1, written to the socket for QoS 0. */
  acked: number;
  /** Readings dropped from the full buffer, oldest first. */
  dropped: number;
  /** Readings waiting in the buffer. */
  buffered: number;
  /** Messages published and not yet acknowledged. */
  inFlight: number;
  /** Slots the sensor skipped (no reading, no seq). */
  gaps: number;
  /** Connection and publish errors. */
  errors: number;
  /** Commands that were not understood. */
  rejectedCommands: number;
  intervalMs: number;
  lastError?: string;
}

export const DEFAULT_FIRMWARE = 'sensegrid-sim/0.1.0';
export const DEVICE_DEFAULTS = {
  intervalMs: 1000,
  qos: 1 as const,
  batch: 1,
  bufferLimit: 1000,
  maxInFlight: 100,
  reconnectPeriodMs: 1000,
  connectTimeoutMs: 10_000,
  keepaliveSeconds: 30,
};
