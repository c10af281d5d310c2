import { createGridCity, hashSeed, isDeviceId } from '@sensegrid/twin';
import type { CityDevice } from '@sensegrid/twin';
import type { PreparedScenario } from './scenarios/scenario.ts';
import { SimDevice } from './device.ts';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS } from './commands.ts';
import { createRateMeter } from './rate-meter.ts';
import { createScheduler } from './scheduler.ts';

export interface FleetOptions {
  /** Broker URL: mqtt://host:port, mqtts://host:port, ws://host:port/mqtt or wss://. */
  url: string;
  /** How many devices of the seeded demo city to simulate (0 is an empty fleet), or the devices. */
  devices: number | readonly CityDevice[];
  /** Seeds device placement and signal values; 1 by default. */
  seed?: number;
  /** Time between a device's readings in ms; 1000 by default. */
  intervalMs?: number;
  /** QoS of reading publishes; 1 by default. */
  qos?: 0 | 1;
  /** Stops the fleet on its own after this many ms; runs until `stop()` otherwise. */
  durationMs?: number;
  /** One username for every device; each device's id by default when a password is given. */
  username?: string;
  /** One password for every device (see `credentials` for one per device). */
  password?: string;
  /** Device id to password; the username is the device id. Wins over `password`. */
  credentials?: ReadonlyMap<string, string>;
  /** Readings per message; 1 by default. */
  batch?: number;
  /** Simulated epoch ms of the fleet's start, for reading timestamps; now by default. */
  startTime?: number;
  /** Devices connecting at once; the rest wait their turn. 100 by default. */
  connectConcurrency?: number;
  /** Readings a device keeps while offline; 1000 by default. */
  bufferLimit?: number;
  /** Messages a device leaves unacknowledged before buffering; 100 by default. */
  maxInFlight?: number;
  /** Share of one-minute slots a device skips (sensor gaps); 0 disables. */
  gapRate?: number;
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  keepaliveSeconds?: number;
  /** How long `stop()` waits for acknowledgements, in ms; 5000 by default. */
  stopTimeoutMs?: number;
  /** How often `onProgress` is called, in ms; 1000 by default. */
  progressIntervalMs?: number;
  onProgress?: (stats: FleetStats) => void;
  /**
   * Runs a scenario instead: its devices, start time and incidents (`devices`, `seed` and
   * `startTime` are then ignored). `intervalMs` stays the wall-clock pace; the scenario's
   * reporting interval passes in each of those, so simulated time runs faster.
   */
  scenario?: PreparedScenario;
  /** Aborting stops the fleet (also while devices are still connecting). */
  signal?: AbortSignal;
}

/** Fleet totals; readings, not messages. */
export interface FleetStats {
  devices: number;
  connected: number;
  sent: number;
  acked: number;
  errors: number;
  dropped: number;
  /** Readings waiting in device buffers. */
  buffered: number;
  /** Readings sent per second over the last few seconds. */
  rate: number;
  elapsedMs: number;
}

export interface Fleet {
  readonly devices: readonly SimDevice[];
  stats(): FleetStats;
  /** Device id to the seqs the broker acknowledged, ascending. */
  acked(): Map<string, number[]>;
  /** Stops publishing, waits for in-flight acknowledgements, publishes `offline`, disconnects. */
  stop(): Promise<void>;
  /** Settles once the fleet has stopped, by `stop()`, `durationMs` or the abort signal. */
  readonly done: Promise<void>;
}

/**
 * Starts a fleet of simulated devices sharing one scheduler. Resolves once every device has
 * made its first connection attempt; devices that failed keep retrying in the background.
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const o = validateFleetOptions(options);
  const scenario = o.scenario;
  const cityDevices = scenario
    ? [...scenario.devices]
    : typeof o.devices === 'number'
      ? createGridCity({ seed: o.seed, devices: o.devices }).devices
      : [...o.devices];
  checkDeviceIds(cityDevices);

  let errors = 0;
  const scheduler = createScheduler({ onError: () => errors++ });
  const t0 = scheduler.now();
  const startTime = scenario?.scenario.startMs ?? o.startTime ?? Date.now();
  const timeScale = scenario ? scenario.scenario.intervalMs / (o.intervalMs ?? 1000) : 1;
  const simTime = (ms: number) => startTime + (ms - t0) * timeScale;

  const devices = cityDevices.map((device) => {
    const own = o.credentials?.get(device.id);
    const username = own !== undefined ? device.id : o.username;
    const password = own ?? o.password;
    return new SimDevice({
      url: o.url,
      device,
      seed: o.seed,
      intervalMs: o.intervalMs,
      qos: o.qos,
      batch: o.batch,
      bufferLimit: o.bufferLimit,
      maxInFlight: o.maxInFlight,
      gapRate: o.gapRate,
      reconnectPeriodMs: o.reconnectPeriodMs,
      connectTimeoutMs: o.connectTimeoutMs,
      keepaliveSeconds: o.keepaliveSeconds,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      scheduler,
      simTime,
      ...(scenario ? { sample: (tMs: number) => scenario.sample(device.id, tMs) } : {}),
    });
  });

  const meter = createRateMeter();
  meter.sample(t0, 0);
  let stopping: Promise<void> | undefined;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const stats = (): FleetStats => {
    const total = { connected: 0, sent: 0, acked: 0, errors, dropped: 0, buffered: 0 };
    for (const d of devices) {
      const s = d.stats();
      if (s.connected) total.connected++;
      total.sent += s.sent;
      total.acked += s.acked;
      total.errors += s.errors;
      total.dropped += s.dropped;
      total.buffered += s.buffered;
    }
    const now = scheduler.now();
    return {
      devices: devices.length,
      ...total,
      rate: meter.rate(now, total.sent),
      elapsedMs: now - t0,
    };
  };

  const progress = setInterval(() => {
    const s = stats();
    meter.sample(scheduler.now(), s.sent);
    o.onProgress?.(s);
  }, o.progressIntervalMs ?? 1000);
  const durationMs =
    o.durationMs ??
    (scenario ? (scenario.scenario.endMs - scenario.scenario.startMs) / timeScale : undefined);
  const durationTimer =
    durationMs !== undefined ? setTimeout(() => void stop(), durationMs) : undefined;
  const onAbort = () => void stop();
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearTimeout(durationTimer);
      o.signal?.removeEventListener('abort', onAbort);
      await Promise.all(devices.map((d) => d.stop(o.stopTimeoutMs ?? 5000)));
      clearInterval(progress);
      scheduler.close();
      o.onProgress?.(stats());
      resolveDone();
    })();
    return stopping;
  };

  if (o.signal?.aborted) void stop();
  const interval = o.intervalMs ?? 1000;
  let next = 0;
  const connectOne = async (): Promise<void> => {
    while (!stopping && next < devices.length) {
      const device = devices[next++]!;
      // Readings fall on a per-device time grid from the fleet start, so a seed and a start
      // time give the same timestamps (and values) whatever the connection timing.
      const phase = hashSeed(device.id, o.seed) % interval;
      const now = scheduler.now();
      const slots = Math.max(0, Math.ceil((now - t0 - phase) / interval));
      await device.start({ firstAtMs: t0 + phase + slots * interval });
    }
  };
  const concurrency = Math.min(o.connectConcurrency ?? 100, devices.length);
  await Promise.all(Array.from({ length: concurrency }, connectOne));

  return {
    devices,
    stats,
    acked: () => new Map(devices.map((d) => [d.id, d.seqs().acked])),
    stop,
    done,
  };
}

type ValidFleetOptions = FleetOptions & { seed: number };

/** Checks the options once and throws one error naming every bad option and its fix. */
export function validateFleetOptions(options: FleetOptions): ValidFleetOptions {
  const problems: string[] = [];
  const wholeAtLeast = (name: string, value: number | undefined, min: number) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
      problems.push(`${name} must be a whole number >= ${min} (got ${value})`);
    }
  };
  let protocol = '';
  try {
    protocol = new URL(options.url).protocol;
  } catch {
    problems.push(`url "${options.url}" is not a URL; use mqtt://host:port or ws://host:port/mqtt`);
  }
  if (protocol && !['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'].includes(protocol)) {
    problems.push(`url must start with mqtt://, mqtts://, ws:// or wss:// (got ${protocol}//)`);
  }
  if (typeof options.devices === 'number') wholeAtLeast('devices', options.devices, 0);
  wholeAtLeast('seed', options.seed, 0);
  wholeAtLeast('batch', options.batch, 1);
  wholeAtLeast('connectConcurrency', options.connectConcurrency, 1);
  wholeAtLeast('bufferLimit', options.bufferLimit, 1);
  wholeAtLeast('maxInFlight', options.maxInFlight, 1);
  const interval = options.intervalMs;
  if (interval !== undefined && !(interval >= MIN_INTERVAL_MS && interval <= MAX_INTERVAL_MS)) {
    problems.push(
      `intervalMs must be from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS} (got ${interval})`,
    );
  }
  if (options.qos !== undefined && options.qos !== 0 && options.qos !== 1) {
    problems.push(`qos must be 0 or 1 (got ${String(options.qos)})`);
  }
  if (options.durationMs !== undefined && !(options.durationMs >= 0)) {
    problems.push(`durationMs must be >= 0 (got ${options.durationMs})`);
  }
  if (problems.length > 0) {
    throw new Error(`SENSEGRID_SIM_BAD_OPTION: ${problems.join('; ')}.`);
  }
  return { ...options, seed: options.seed ?? 1 };
}

function checkDeviceIds(devices: readonly CityDevice[]): void {
  const seen = new Set<string>();
  for (const d of devices) {
    if (!isDeviceId(d.id)) {
      throw new Error(
        `SENSEGRID_SIM_BAD_OPTION: device id "${d.id}" is not allowed; ` +
          'use 1 to 64 of A-Z a-z 0-9 _ . : -',
      );
    }
    if (seen.has(d.id)) {
      throw new Error(
        `SENSEGRID_SIM_BAD_OPTION: device id "${d.id}" appears twice; ids must be unique`,
      );
    }
    seen.add(d.id);
  }
}
