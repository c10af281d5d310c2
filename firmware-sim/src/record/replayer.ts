import mqtt, { type MqttClient } from 'mqtt';
import { createPacer } from './pacer.ts';
import { readRecording } from './recording-file.ts';
import { shiftPayloadTime } from './shift-time.ts';

export interface ReplayOptions {
  file: string;
  url: string;
  /** 1 = as recorded, 10 = ten times faster, 'max' = as fast as the broker acknowledges. */
  speed: number | 'max';
  loop?: boolean;
  /** Rewrites reading times so the recording's first message happens now. */
  shiftToNow?: boolean;
  /** One login for every message (an anonymous gateway needs none). */
  username?: string;
  password?: string;
  /** Device id to secret: each device's messages go through its own login. */
  secrets?: ReadonlyMap<string, string>;
  /** Unacknowledged QoS 1 messages at once at --speed max. */
  window?: number;
  onProgress?: (progress: ReplayProgress) => void;
  signal?: AbortSignal;
}

export interface ReplayProgress {
  messages: number;
  /** Share of the file read, 0..1 (per pass when looping). */
  fraction: number;
  elapsedMs: number;
  pass: number;
}

export interface ReplaySummary {
  messages: number;
  elapsedMs: number;
  perSecond: number;
  /** How late messages were published against their paced moment (not at --speed max). */
  latenessMs: { p50: number; p99: number; max: number } | undefined;
}

const DEVICE_TOPIC = /^devices\/([^/]+)\//;

/** Publishes a recording to a broker with its original pacing scaled by the speed. */
export async function replayRecording(options: ReplayOptions): Promise<ReplaySummary> {
  const clients = new Map<string, Promise<MqttClient>>();
  const connectAs = (key: string, auth: mqtt.IClientOptions) => {
    let client = clients.get(key);
    if (!client) {
      client = mqtt
        .connectAsync(options.url, { reconnectPeriod: 1000, clean: true, ...auth })
        .then((c) => {
          // Small packets go out at once: Nagle's algorithm would bunch them and break the pacing.
          (c.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
          return c;
        });
      clients.set(key, client);
    }
    return client;
  };
  const clientFor = (topic: string) => {
    const device = DEVICE_TOPIC.exec(topic)?.[1];
    if (options.secrets && device && options.secrets.has(device)) {
      return connectAs(device, {
        clientId: device,
        username: device,
        password: options.secrets.get(device),
      });
    }
    return connectAs('', {
      ...(options.username ? { username: options.username, password: options.password } : {}),
    });
  };

  const window = options.window ?? 1000;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const lateness: number[] = [];
  let messages = 0;
  const started = performance.now();
  let pass = 0;
  try {
    do {
      pass++;
      let pacer: ReturnType<typeof createPacer> | undefined;
      let offset: number | undefined;
      const recording = readRecording(options.file);
      for await (const { message, progress } of recording) {
        if (options.signal?.aborted) break;
        if (failure) throw failure;
        // Connecting happens before the clock starts, so the first message is not late.
        const client = await clientFor(message.topic);
        if (options.speed !== 'max') {
          pacer ??= createPacer(options.speed, message.t);
          lateness.push(await pacer.waitFor(message.t));
        }
        if (options.shiftToNow) offset ??= Date.now() - message.t;
        const payload =
          offset === undefined ? message.payload : shiftPayloadTime(message.payload, offset);
        while (inFlight >= window) await new Promise<void>((resolve) => (wake = resolve));
        inFlight++;
        client.publish(
          message.topic,
          payload,
          { qos: message.qos, retain: message.retain },
          (error) => {
            inFlight--;
            if (error) failure ??= error;
            const next = wake;
            wake = undefined;
            next?.();
          },
        );
        messages++;
        if (messages % 500 === 0) {
          options.onProgress?.({
            messages,
            fraction: progress,
            elapsedMs: performance.now() - started,
            pass,
          });
        }
      }
    } while (options.loop && !options.signal?.aborted);
    while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
  } finally {
    for (const client of clients.values()) (await client.catch(() => undefined))?.end();
  }
  const elapsedMs = performance.now() - started;
  options.onProgress?.({ messages, fraction: 1, elapsedMs, pass });
  return {
    messages,
    elapsedMs,
    perSecond: (messages * 1000) / elapsedMs,
    latenessMs: summarize(lateness),
  };
}

function summarize(values: number[]): ReplaySummary['latenessMs'] {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}
