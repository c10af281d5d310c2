import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { parseCommand } from './commands.ts';
import { DEFAULT_FIRMWARE, DEVICE_DEFAULTS as DEFAULTS } from './device-options.ts';
import type { SimDeviceOptions, SimDeviceStats } from './device-options.ts';
import { Outbox } from './outbox.ts';
import { createScheduler } from './scheduler.ts';
import type { ScheduledTask, Scheduler } from './scheduler.ts';
import { createDeviceSignals } from './signals.ts';
import type { SignalValues } from './signals.ts';

export type { SimReading } from './outbox.ts';
export type { SimDeviceOptions, SimDeviceStats } from './device-options.ts';
export { DEFAULT_FIRMWARE } from './device-options.ts';

/**
 * A simulated field device: one MQTT connection, retained meta and status, a will of `offline`,
 * a reading every interval, and a bounded buffer of its own while the broker is away.
 */
export class SimDevice {
  readonly id: string;
  readonly topics: { readings: string; status: string; meta: string; commands: string };
  readonly #options: SimDeviceOptions;
  readonly #scheduler: Scheduler;
  readonly #ownScheduler: boolean;
  readonly #simTime: (schedulerMs: number) => number;
  readonly #sample: (tMs: number) => SignalValues | undefined;
  readonly #outbox: Outbox;
  #client: MqttClient | undefined;
  #task: ScheduledTask | undefined;
  #nextAt = 0;
  #seq: number;
  #intervalMs: number;
  #connected = false;
  #producing = false;
  #stopping: Promise<void> | undefined;
  #waiters: Array<() => void> = [];
  #stats = { connects: 0, gaps: 0, errors: 0, rejected: 0 };
  #controlInFlight = 0;
  #lastError: string | undefined;

  constructor(options: SimDeviceOptions) {
    this.#options = options;
    this.id = options.device.id;
    const base = `devices/${this.id}`;
    this.topics = {
      readings: `${base}/readings`,
      status: `${base}/status`,
      meta: `${base}/meta`,
      commands: `${base}/commands`,
    };
    this.#intervalMs = options.intervalMs ?? DEFAULTS.intervalMs;
    this.#seq = options.startSeq ?? 1;
    this.#ownScheduler = !options.scheduler;
    this.#scheduler = options.scheduler ?? createScheduler();
    const offset = Date.now() - this.#scheduler.now();
    this.#simTime = options.simTime ?? ((ms) => offset + ms);
    this.#sample =
      options.sample ??
      createDeviceSignals(options.device, {
        seed: options.seed,
        gapRate: options.gapRate,
      });
    this.#outbox = new Outbox({
      topic: this.topics.readings,
      qos: options.qos ?? DEFAULTS.qos,
      batch: options.batch ?? DEFAULTS.batch,
      bufferLimit: options.bufferLimit ?? DEFAULTS.bufferLimit,
      maxInFlight: options.maxInFlight ?? DEFAULTS.maxInFlight,
      onError: (error) => this.#fail(error),
      onSettled: () => this.#wake(),
    });
  }

  get connected(): boolean {
    return this.#connected;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /**
   * Connects and starts sampling. Resolves after the first connection attempt ends, connected
   * or not; the device keeps reconnecting on its own. `firstAtMs` sets when the first reading
   * is due on the scheduler clock (now by default).
   */
  start(options: { firstAtMs?: number } = {}): Promise<void> {
    if (this.#client) throw new Error(`device ${this.id} was already started`);
    if (this.#stopping) return Promise.resolve();
    const o = this.#options;
    const username = o.username ?? (o.password !== undefined ? this.id : undefined);
    const client = mqtt.connect(o.url, {
      clientId: this.id,
      clean: true,
      protocolVersion: 4,
      keepalive: o.keepaliveSeconds ?? DEFAULTS.keepaliveSeconds,
      reconnectPeriod: o.reconnectPeriodMs ?? DEFAULTS.reconnectPeriodMs,
      connectTimeout: o.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      // Readings wait in the device's own bounded buffer, never in mqtt.js's unbounded queue.
      queueQoSZero: false,
      resubscribe: false,
      ...(username !== undefined ? { username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      will: { topic: this.topics.status, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.#client = client;
    client.on('connect', () => this.#onConnect(client));
    client.on('close', () => {
      this.#connected = false;
      this.#outbox.offline();
      this.#wake();
    });
    client.on('error', (error) => this.#fail(error));
    client.on('message', (topic, payload) => {
      if (topic === this.topics.commands) this.#onCommand(payload);
    });
    this.#producing = true;
    this.#scheduleAt(options.firstAtMs ?? this.#scheduler.now());
    return new Promise((resolve) => {
      const done = () => {
        client.off('connect', done).off('error', done).off('close', done);
        resolve();
      };
      client.on('connect', done).on('error', done).on('close', done);
    });
  }

  stats(): SimDeviceStats {
    const s = this.#stats;
    const outbox = this.#outbox;
    return {
      connected: this.#connected,
      connects: s.connects,
      sent: outbox.sent,
      acked: outbox.acked,
      dropped: outbox.dropped,
      buffered: outbox.buffered,
      inFlight: outbox.inFlight,
      gaps: s.gaps,
      errors: s.errors,
      rejectedCommands: s.rejected,
      intervalMs: this.#intervalMs,
      ...(this.#lastError !== undefined ? { lastError: this.#lastError } : {}),
    };
  }

  /** The seqs handed to the client, acknowledged, and dropped from the buffer, ascending. */
  seqs(): { sent: number[]; acked: number[]; dropped: number[] } {
    return {
      sent: this.#outbox.sentSeqs.toArray(),
      acked: this.#outbox.ackedSeqs.toArray(),
      dropped: this.#outbox.droppedSeqs.toArray(),
    };
  }

  /**
   * Stops sampling, sends what is buffered and waits for acknowledgements until `timeoutMs`,
   * publishes `offline` (retained: a clean disconnect does not fire the will), then disconnects.
   */
  stop(timeoutMs = 5000): Promise<void> {
    this.#stopping ??= this.#stop(timeoutMs);
    return this.#stopping;
  }

  async #stop(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.#producing = false;
    this.#task?.cancel();
    const client = this.#client;
    if (!client) return this.#closeScheduler();
    this.#outbox.flushPartialBatches();
    // Offline there is nothing to wait for: the buffer drains, and mqtt.js resends, only
    // once reconnected.
    const delivered = () => this.#outbox.buffered === 0 && this.#outbox.inFlight === 0;
    await this.#waitUntil(() => delivered() || !this.#connected, deadline);
    if (this.#connected) {
      this.#controlInFlight++;
      client.publish(this.topics.status, 'offline', { qos: 1, retain: true }, () => {
        this.#controlInFlight--;
        this.#wake();
      });
      await this.#waitUntil(() => this.#controlInFlight === 0 || !this.#connected, deadline);
    }
    const idle = this.#connected && this.#outbox.inFlight === 0 && this.#controlInFlight === 0;
    await new Promise<void>((resolve) => {
      const guard = setTimeout(
        () => {
          client.stream?.destroy();
          resolve();
        },
        Math.max(100, deadline - Date.now()),
      );
      client.end(!idle, {}, () => {
        clearTimeout(guard);
        resolve();
      });
    });
    this.#connected = false;
    this.#closeScheduler();
  }

  #closeScheduler(): void {
    if (this.#ownScheduler) this.#scheduler.close();
  }

  #onConnect(client: MqttClient): void {
    this.#connected = true;
    this.#stats.connects++;
    const { device, firmware } = this.#options;
    const meta = {
      kind: device.kind,
      lat: device.lat,
      lon: device.lon,
      layer: device.layer,
      firmware: firmware ?? DEFAULT_FIRMWARE,
    };
    this.#publishControl(client, this.topics.meta, JSON.stringify(meta));
    this.#publishControl(client, this.topics.status, 'online');
    client.subscribe(this.topics.commands, { qos: 1 }, (error) => {
      if (error) this.#fail(error);
    });
    this.#outbox.online(client);
    this.#wake();
  }

  #publishControl(client: MqttClient, topic: string, payload: string): void {
    this.#controlInFlight++;
    client.publish(topic, payload, { qos: 1, retain: true }, (error) => {
      this.#controlInFlight--;
      if (error) this.#fail(error);
      this.#wake();
    });
  }

  #onCommand(payload: Buffer): void {
    const command = parseCommand(payload);
    if (!command.ok) {
      this.#stats.rejected++;
      return;
    }
    if (command.intervalMs !== undefined && command.intervalMs !== this.#intervalMs) {
      const previousDue = this.#nextAt - this.#intervalMs;
      this.#intervalMs = command.intervalMs;
      if (this.#producing) {
        this.#task?.cancel();
        this.#scheduleAt(Math.max(this.#scheduler.now(), previousDue + this.#intervalMs));
      }
    }
  }

  #scheduleAt(atMs: number): void {
    this.#nextAt = atMs;
    this.#task = this.#scheduler.schedule(atMs, this.#tick);
  }

  readonly #tick = (nowMs: number): void => {
    if (!this.#producing) return;
    const due = this.#nextAt;
    const ts = Math.round(this.#simTime(due));
    const values = this.#sample(ts);
    if (values) this.#outbox.add({ ts, seq: this.#seq++, values });
    else this.#stats.gaps++;
    const interval = this.#intervalMs;
    let next = due + interval;
    // More than a slot behind (a blocked event loop): skip the missed slots instead of
    // bursting, staying on the same time grid so timestamps stay reproducible.
    if (next < nowMs - interval) next += Math.ceil((nowMs - next) / interval) * interval;
    this.#scheduleAt(next);
  };

  #fail(error: Error): void {
    this.#stats.errors++;
    this.#lastError = error.message;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  async #waitUntil(done: () => boolean, deadline: number): Promise<void> {
    while (!done() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(100, Math.max(1, deadline - Date.now())));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
