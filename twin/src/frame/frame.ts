import { SENSOR_STATUSES, type SensorStatus } from '../layer-scales.ts';

/**
 * A frame: what changed in the twin since the previous frame (or everything, in a snapshot).
 * Sensors and regions are referred to by their index in the tables the gateway serves
 * (`/api/city` sensors, `/api/regions`); metrics and layers by index in METRICS and LAYERS.
 */
export interface Frame {
  seq: number;
  /** Gateway time when the frame was made, epoch ms. */
  timeMs: number;
  /** A full state rather than a delta. */
  snapshot: boolean;
  /** Bumped when the sensor table changes (a new device); the console then reloads it. */
  sensorsVersion: number;
  readingsTotal: number;
  readingsPerSec: number;
  devicesOnline: number;
  devicesTotal: number;
  sensors: SensorUpdate[];
  regions: RegionUpdate[];
}

export interface SensorUpdate {
  index: number;
  status: SensorStatus;
  /** Timestamp of the sensor's last reading, epoch ms; undefined if it has none. */
  ts?: number;
  /** [metric index, value] for the metrics of its last reading. */
  values: [metric: number, value: number][];
}

export interface RegionMetric {
  metric: number;
  count: number;
  mean: number;
  min: number;
  max: number;
  p95: number;
}

export interface RegionUpdate {
  region: number;
  layer: number;
  sensors: number;
  online: number;
  stale: number;
  offline: number;
  alerts: [critical: number, major: number, minor: number, warning: number];
  metrics: RegionMetric[];
}

/** The sensor part of a frame as typed-array columns, read without copying per sensor. */
export interface SensorColumns {
  count: number;
  index: Uint32Array;
  /** ts - timeMs, in ms; NO_TS when the sensor has no reading. */
  tsOffset: Int32Array;
  /** Index into SENSOR_STATUSES. */
  status: Uint8Array;
  /** How many values each sensor has; its values follow those of the sensors before it. */
  valueCount: Uint8Array;
  metric: Uint8Array;
  value: Float32Array;
}

export interface FrameView {
  header: Omit<Frame, 'sensors' | 'regions'>;
  sensors: SensorColumns;
  regions: RegionUpdate[];
}

export const NO_TS = -0x80000000;
const MAGIC = 0x31464753; // "SGF1"
const VERSION = 1;
const HEADER_BYTES = 56;
const REGION_BYTES = 32;
const REGION_METRIC_BYTES = 24;

export class FrameFormatError extends Error {
  readonly code = 'SENSEGRID_FRAME_INVALID';
}

const pad4 = (n: number) => (n + 3) & ~3;

/** Encodes a frame into its binary form (little-endian, columns aligned for typed arrays). */
export function encodeFrame(frame: Frame): Uint8Array {
  const n = frame.sensors.length;
  let nValues = 0;
  for (const s of frame.sensors) nValues += Math.min(255, s.values.length);
  const sensorBytes = n * 8 + nValues * 4 + pad4(n * 2 + nValues);
  let regionBytes = 0;
  for (const r of frame.regions)
    regionBytes += REGION_BYTES + Math.min(255, r.metrics.length) * REGION_METRIC_BYTES;
  const buffer = new ArrayBuffer(HEADER_BYTES + sensorBytes + regionBytes);
  const view = new DataView(buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, frame.seq >>> 0, true);
  view.setFloat64(8, frame.timeMs, true);
  view.setUint8(16, frame.snapshot ? 1 : 0);
  view.setUint8(17, VERSION);
  view.setUint32(20, frame.sensorsVersion >>> 0, true);
  view.setFloat64(24, frame.readingsTotal, true);
  view.setFloat32(32, frame.readingsPerSec, true);
  view.setUint32(36, frame.devicesOnline, true);
  view.setUint32(40, frame.devicesTotal, true);
  view.setUint32(44, n, true);
  view.setUint32(48, nValues, true);
  view.setUint32(52, frame.regions.length, true);

  const cols = columnsAt(buffer, HEADER_BYTES, n, nValues);
  let v = 0;
  for (let i = 0; i < n; i++) {
    const s = frame.sensors[i]!;
    cols.index[i] = s.index;
    cols.tsOffset[i] = s.ts === undefined ? NO_TS : clampInt32(Math.round(s.ts - frame.timeMs));
    cols.status[i] = Math.max(0, SENSOR_STATUSES.indexOf(s.status));
    const count = Math.min(255, s.values.length);
    cols.valueCount[i] = count;
    for (let k = 0; k < count; k++) {
      const [metric, value] = s.values[k]!;
      cols.metric[v] = metric;
      cols.value[v++] = value;
    }
  }

  let at = HEADER_BYTES + sensorBytes;
  for (const r of frame.regions) {
    const metrics = r.metrics.slice(0, 255);
    view.setUint32(at, r.region, true);
    view.setUint8(at + 4, r.layer);
    view.setUint8(at + 5, metrics.length);
    view.setUint32(at + 8, r.sensors, true);
    view.setUint32(at + 12, r.online, true);
    view.setUint32(at + 16, r.stale, true);
    view.setUint32(at + 20, r.offline, true);
    for (let k = 0; k < 4; k++)
      view.setUint16(at + 24 + k * 2, Math.min(0xffff, r.alerts[k]!), true);
    at += REGION_BYTES;
    for (const m of metrics) {
      view.setUint8(at, m.metric);
      view.setUint32(at + 4, m.count, true);
      view.setFloat32(at + 8, m.mean, true);
      view.setFloat32(at + 12, m.min, true);
      view.setFloat32(at + 16, m.max, true);
      view.setFloat32(at + 20, m.p95, true);
      at += REGION_METRIC_BYTES;
    }
  }
  return new Uint8Array(buffer);
}

/**
 * Reads a frame. The sensor columns are views into the bytes (copied once only when the bytes
 * are not 4-byte aligned), so applying 10,000 sensor updates allocates nothing per sensor.
 */
export function readFrame(bytes: Uint8Array): FrameView {
  if (bytes.byteLength < HEADER_BYTES)
    throw new FrameFormatError(
      `a frame has at least ${HEADER_BYTES} bytes, got ${bytes.byteLength}`,
    );
  let buffer = bytes.buffer as ArrayBuffer;
  let base = bytes.byteOffset;
  if (base % 4 !== 0 || !(buffer instanceof ArrayBuffer)) {
    // A copy, not bytes.slice(): Buffer#slice returns a view at the same unaligned offset.
    buffer = new Uint8Array(bytes).buffer;
    base = 0;
  }
  const view = new DataView(buffer, base, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC)
    throw new FrameFormatError('not a sensegrid frame (bad magic number)');
  const version = view.getUint8(17);
  if (version !== VERSION)
    throw new FrameFormatError(`frame version ${version} is not supported (expected ${VERSION})`);
  const n = view.getUint32(44, true);
  const nValues = view.getUint32(48, true);
  const nRegions = view.getUint32(52, true);
  const sensorBytes = n * 8 + nValues * 4 + pad4(n * 2 + nValues);
  if (HEADER_BYTES + sensorBytes > bytes.byteLength)
    throw new FrameFormatError('frame is truncated in its sensor section');
  const header = {
    seq: view.getUint32(4, true),
    timeMs: view.getFloat64(8, true),
    snapshot: (view.getUint8(16) & 1) === 1,
    sensorsVersion: view.getUint32(20, true),
    readingsTotal: view.getFloat64(24, true),
    readingsPerSec: view.getFloat32(32, true),
    devicesOnline: view.getUint32(36, true),
    devicesTotal: view.getUint32(40, true),
  };
  const sensors = columnsAt(buffer, base + HEADER_BYTES, n, nValues);
  const regions: RegionUpdate[] = [];
  let at = HEADER_BYTES + sensorBytes;
  for (let r = 0; r < nRegions; r++) {
    if (at + REGION_BYTES > bytes.byteLength)
      throw new FrameFormatError('frame is truncated in its region section');
    const count = view.getUint8(at + 5);
    const region: RegionUpdate = {
      region: view.getUint32(at, true),
      layer: view.getUint8(at + 4),
      sensors: view.getUint32(at + 8, true),
      online: view.getUint32(at + 12, true),
      stale: view.getUint32(at + 16, true),
      offline: view.getUint32(at + 20, true),
      alerts: [0, 1, 2, 3].map((k) =>
        view.getUint16(at + 24 + k * 2, true),
      ) as RegionUpdate['alerts'],
      metrics: [],
    };
    at += REGION_BYTES;
    if (at + count * REGION_METRIC_BYTES > bytes.byteLength)
      throw new FrameFormatError('frame is truncated in its region section');
    for (let k = 0; k < count; k++) {
      region.metrics.push({
        metric: view.getUint8(at),
        count: view.getUint32(at + 4, true),
        mean: view.getFloat32(at + 8, true),
        min: view.getFloat32(at + 12, true),
        max: view.getFloat32(at + 16, true),
        p95: view.getFloat32(at + 20, true),
      });
      at += REGION_METRIC_BYTES;
    }
    regions.push(region);
  }
  return { header, sensors, regions };
}

/** Decodes a frame into plain objects (for tools and tests; the console reads columns). */
export function decodeFrame(bytes: Uint8Array): Frame {
  const { header, sensors: c, regions } = readFrame(bytes);
  const sensors: SensorUpdate[] = [];
  let v = 0;
  for (let i = 0; i < c.count; i++) {
    const values: [number, number][] = [];
    for (let k = 0; k < c.valueCount[i]!; k++, v++) values.push([c.metric[v]!, c.value[v]!]);
    const offset = c.tsOffset[i]!;
    sensors.push({
      index: c.index[i]!,
      status: SENSOR_STATUSES[c.status[i]!] ?? 'unknown',
      ...(offset === NO_TS ? {} : { ts: header.timeMs + offset }),
      values,
    });
  }
  return { ...header, sensors, regions };
}

function columnsAt(buffer: ArrayBuffer, at: number, n: number, nValues: number): SensorColumns {
  const index = new Uint32Array(buffer, at, n);
  const tsOffset = new Int32Array(buffer, at + n * 4, n);
  const value = new Float32Array(buffer, at + n * 8, nValues);
  const bytesAt = at + n * 8 + nValues * 4;
  return {
    count: n,
    index,
    tsOffset,
    value,
    status: new Uint8Array(buffer, bytesAt, n),
    valueCount: new Uint8Array(buffer, bytesAt + n, n),
    metric: new Uint8Array(buffer, bytesAt + 2 * n, nValues),
  };
}

function clampInt32(value: number): number {
  return Math.max(NO_TS + 1, Math.min(0x7fffffff, value));
}
