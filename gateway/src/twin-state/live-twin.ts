import { createDemoCity, type CityModel } from '@sensegrid/twin';
import type { Aedes } from 'aedes';
import type { Ingest } from '../ingest/ingest.ts';
import { createConsoleAccess, FRAMES_TOPIC, type ConsoleAccess } from './console-access.ts';
import { createFramePublisher, type FramePublisher } from './frame-publisher.ts';
import type { DeviceRegistry, PlaceFn } from './registry.ts';
import { TwinState } from './twin-state.ts';

let defaultCity: CityModel | undefined;

/** The demo city without pre-registered sensors (devices join as they announce themselves). */
export function defaultTwinCity(): CityModel {
  return (defaultCity ??= createDemoCity({ sensors: 0 }));
}

/** The twin state wired to the gateway: registry events, ingest, and frames over MQTT. */
export interface LiveTwin {
  readonly state: TwinState;
  readonly consoleAccess: ConsoleAccess;
  /** Available after `attach`. */
  readonly frames: FramePublisher | undefined;
  /** Places a point for the registry's stored tags (district and grid cell). */
  readonly place: PlaceFn;
  watch(registry: DeviceRegistry): void;
  attach(ingest: Ingest, aedes: Aedes): void;
  close(): void;
}

export function createLiveTwin(city: CityModel = defaultTwinCity()): LiveTwin {
  const state = new TwinState({ city });
  const consoleAccess = createConsoleAccess();
  let frames: FramePublisher | undefined;
  const unsubscribe: (() => void)[] = [];
  return {
    state,
    consoleAccess,
    get frames() {
      return frames;
    },
    place(lat, lon) {
      const { district, grid } = state.sensors.index.place(lat, lon);
      return { ...(district ? { district } : {}), ...(grid ? { grid } : {}) };
    },
    watch(registry) {
      unsubscribe.push(
        registry.onChange((device, change) => {
          if (change === 'meta') {
            state.deviceSeen(device.id, {
              ...(device.kind ? { kind: device.kind } : {}),
              ...(device.layer ? { layer: device.layer } : {}),
              ...(device.lat !== undefined && device.lon !== undefined
                ? { lat: device.lat, lon: device.lon }
                : {}),
            });
          } else if (device.status === 'online' || device.status === 'offline') {
            state.announce(device.id, device.status);
          }
        }),
      );
    },
    attach(ingest, aedes) {
      unsubscribe.push(ingest.onReadings((readings) => state.applyReadings(readings)));
      frames = createFramePublisher({
        twin: state,
        publish(bytes) {
          const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          aedes.publish(
            { cmd: 'publish', topic: FRAMES_TOPIC, payload, qos: 0, retain: false, dup: false },
            () => {},
          );
        },
      });
      frames.start();
    },
    close() {
      frames?.stop();
      for (const off of unsubscribe.splice(0)) off();
    },
  };
}
