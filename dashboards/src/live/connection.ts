import mqtt from 'mqtt';
import { api } from '../api.ts';
import { mqttCredentials, sessionRefused } from '../auth/session.ts';
import { ALERTS_TOPIC, receiveAlertMessage } from '../alerts/alert-messages.ts';
import type { ConsoleStore } from './console-store.ts';
import type { LiveBuffers } from './live-buffers.ts';
import { consoleClock } from '../timeline/console-clock.ts';
import { followClock } from '../timeline/history-loader.ts';

export const FRAMES_TOPIC = '$twin/frames';

/**
 * Loads the city, then follows the twin: a snapshot, and frames over MQTT over WebSocket.
 * Frames go straight into the live buffers; the store only hears about what React shows.
 * Returns the stop function.
 */
export async function connectConsole(
  store: ConsoleStore,
  live: LiveBuffers,
  invalidate: () => void,
): Promise<() => void> {
  const [city, sensors, layers] = await Promise.all([api.city(), api.sensors(), api.layers()]);
  live.resize(sensors.id.length);
  const focusLayer = layers.find((l) => l.sensors > 0)?.id ?? 'air';
  store.setState({ city, sensors, layers, focusLayer });

  let resyncing: Promise<void> | undefined;
  let frames = 0;
  const resync = () =>
    (resyncing ??= (async () => {
      try {
        const table = await api.sensors();
        const current = store.getState().sensors;
        // A new version: devices joined, or moved (their positions changed).
        if (table.version !== current?.version || table.id.length !== current.id.length) {
          live.resize(table.id.length);
          store.setState({ sensors: table });
        }
        apply(await api.snapshot());
      } finally {
        resyncing = undefined;
      }
    })());

  const apply = (bytes: Uint8Array) => {
    const picked = store.getState().picked;
    const regionsBefore = live.rollups.size;
    const result = live.applyFrame(bytes, Date.now());
    frames++;
    invalidate();
    const s = store.getState();
    const patch: Partial<typeof s> = {};
    if (picked !== undefined && live.dirty.mark[picked] === 1)
      patch.pickedVersion = s.pickedVersion + 1;
    if (hasRegions(bytes) || live.rollups.size !== regionsBefore)
      patch.rollupVersion = s.rollupVersion + 1;
    if (Object.keys(patch).length > 0) store.setState(patch);
    if (result === 'resync') void resync();
  };

  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const client = mqtt.connect(`${scheme}://${location.host}/mqtt`, {
    clientId: `console-${Math.random().toString(16).slice(2, 10)}`,
    protocolVersion: 4,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    ...mqttCredentials(),
  });
  // CONNACK 5: the token expired or was revoked; the login screen takes over.
  client.on('error', (error) => {
    if ((error as { code?: number }).code === 5) sessionRefused();
  });
  client.on('connect', () => {
    store.setState({ connection: 'live' });
    client.subscribe(FRAMES_TOPIC, { qos: 0 }, () => void resync());
    client.subscribe(ALERTS_TOPIC, { qos: 0 });
  });
  client.on('close', () => store.setState({ connection: 'offline' }));
  client.on('message', (topic, payload) => {
    if (topic === ALERTS_TOPIC) receiveAlertMessage(payload);
    // While the timeline shows the past, live frames wait: the way back is a fresh snapshot.
    else if (consoleClock.getState().live) apply(payload);
  });
  const stopClock = followClock({
    showPast(frame) {
      const latency = live.frameLatencyMs;
      live.rollups.clear();
      apply(frame);
      live.frameLatencyMs = latency; // a past frame says nothing of the live path
    },
    backToLive() {
      live.rollups.clear();
      void resync();
    },
  });

  let lastCount = 0;
  let lastAt = performance.now();
  const counters = setInterval(() => {
    const now = performance.now();
    const { readingsPerSec, devicesOnline, devicesTotal } = live.header;
    store.setState({
      counters: {
        readingsPerSec,
        devicesOnline,
        devicesTotal,
        frameLatencyMs: live.frameLatencyMs,
        framesPerSec: ((frames - lastCount) * 1000) / (now - lastAt),
      },
    });
    lastCount = frames;
    lastAt = now;
  }, 500);

  return () => {
    clearInterval(counters);
    stopClock();
    client.end(true);
  };
}

/** Whether an encoded frame carries region rollups (its region count, at byte 52). */
function hasRegions(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 56 && (bytes[52]! | bytes[53]! | bytes[54]! | bytes[55]!) !== 0;
}
