import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { layerOfKind, type Placement } from '@sensegrid/twin';

export type DeviceStatus = 'online' | 'offline' | 'unknown';

/** What the gateway knows of a device: its self-description, placement and liveness. */
export interface DeviceRecord {
  id: string;
  kind?: string;
  layer?: string;
  lat?: number;
  lon?: number;
  firmware?: string;
  placement: Placement;
  status: DeviceStatus;
  /** Receive time of the last accepted reading, epoch ms. */
  lastSeen?: number;
  readings: number;
  rejected: number;
}

/** Places a point in the city; returns an empty placement outside it. */
export type PlaceFn = (lat: number, lon: number) => { district?: string; grid?: string };

/** What changed on a device: its self-description or its announced status. */
export type DeviceChange = 'meta' | 'status';
export type DeviceListener = (device: DeviceRecord, change: DeviceChange) => void;

export interface DeviceMeta {
  kind?: unknown;
  lat?: unknown;
  lon?: unknown;
  layer?: unknown;
  firmware?: unknown;
}

/**
 * The registered devices. Meta and status arrive as retained MQTT messages; the registry keeps
 * a copy in the data folder so placement tags survive a restart.
 */
export class DeviceRegistry {
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly listeners = new Set<DeviceListener>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly place: PlaceFn,
    private readonly file?: string,
  ) {
    if (file) this.load(file);
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const saved = JSON.parse(text) as DeviceRecord[];
    for (const device of saved) this.devices.set(device.id, { ...device, status: 'unknown' });
  }

  get(id: string): DeviceRecord | undefined {
    return this.devices.get(id);
  }

  list(): DeviceRecord[] {
    return [...this.devices.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  get size(): number {
    return this.devices.size;
  }

  /** The device's record, created on first sight. */
  touch(id: string): DeviceRecord {
    let device = this.devices.get(id);
    if (!device) {
      device = { id, placement: {}, status: 'unknown', readings: 0, rejected: 0 };
      this.devices.set(id, device);
      this.changed();
    }
    return device;
  }

  /** Applies a `devices/<id>/meta` self-description. Returns what was wrong, if anything. */
  applyMeta(id: string, meta: DeviceMeta): string | undefined {
    if (typeof meta !== 'object' || meta === null) return 'meta must be a JSON object';
    const { kind, lat, lon, layer, firmware } = meta;
    if (kind !== undefined && typeof kind !== 'string') return '"kind" must be a string';
    if (lat !== undefined && !(typeof lat === 'number' && lat >= -90 && lat <= 90)) {
      return '"lat" must be a number of degrees from -90 to 90';
    }
    if (lon !== undefined && !(typeof lon === 'number' && lon >= -180 && lon <= 180)) {
      return '"lon" must be a number of degrees from -180 to 180';
    }
    if (layer !== undefined && typeof layer !== 'string') return '"layer" must be a string';
    const device = this.touch(id);
    if (kind !== undefined) device.kind = kind;
    if (firmware !== undefined) device.firmware = String(firmware);
    if (typeof lat === 'number' && typeof lon === 'number') {
      device.lat = lat;
      device.lon = lon;
    }
    device.layer = (layer as string | undefined) ?? layerOfKind(device.kind ?? '')?.id;
    const where = device.lat !== undefined ? this.place(device.lat, device.lon!) : {};
    device.placement = { ...where, ...(device.layer ? { layer: device.layer } : {}) };
    this.changed();
    for (const listener of this.listeners) listener(device, 'meta');
    return undefined;
  }

  setStatus(id: string, status: DeviceStatus): void {
    const device = this.touch(id);
    device.status = status;
    for (const listener of this.listeners) listener(device, 'status');
  }

  /** Calls `listener` on every meta and announced status. Returns the unsubscribe. */
  onChange(listener: DeviceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tags stored with the device's readings. */
  tags(id: string): Placement {
    return this.devices.get(id)?.placement ?? {};
  }

  private changed(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, 1000);
    this.saveTimer.unref();
  }

  /** Writes the registry to its file now (atomically). */
  async save(): Promise<void> {
    if (!this.file) return;
    const file = this.file;
    const snapshot = JSON.stringify(this.list());
    this.saving = this.saving.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, snapshot);
      await rename(`${file}.tmp`, file);
    });
    return this.saving;
  }

  async close(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.save();
  }
}
