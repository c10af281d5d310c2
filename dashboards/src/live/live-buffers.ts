import { METRICS, NO_TS, readFrame, type RegionUpdate } from '@sensegrid/twin';

/**
 * The fast-changing state of the twin, in typed arrays outside React and outside the store:
 * frames write here, the scene reads here in its frame loop. Nothing is allocated per sensor.
 */
export class LiveBuffers {
  readonly metricCount = METRICS.length;
  status: Uint8Array;
  ts: Float64Array;
  /** values[sensor * metricCount + metric]; NaN when unknown. */
  values: Float32Array;
  /** Sensors changed since the scene last drew them. */
  readonly dirty: { list: Uint32Array; mark: Uint8Array; count: number };
  /** Region index -> layer index -> the region's latest rollup for that layer. */
  readonly rollups = new Map<number, Map<number, RegionUpdate>>();
  lastSeq = -1;
  lastFrameAt = 0;
  header = {
    readingsPerSec: 0,
    devicesOnline: 0,
    devicesTotal: 0,
    readingsTotal: 0,
    sensorsVersion: 0,
    timeMs: 0,
  };
  /** Times a frame took from the gateway to here, ms (a moving average). */
  frameLatencyMs = 0;
  /** Set when the scene must redraw every sensor (layer or colour change). */
  redrawAll = true;
  /**
   * When set (by the benchmark), the age of every sensor update at the moment its frame is
   * applied, in ms, as a ring buffer; `appliedCount` counts what was written.
   */
  appliedAges: Float64Array | undefined;
  appliedCount = 0;

  constructor(public size: number) {
    this.status = new Uint8Array(size);
    this.ts = new Float64Array(size).fill(NaN);
    this.values = new Float32Array(size * this.metricCount).fill(NaN);
    this.dirty = { list: new Uint32Array(size), mark: new Uint8Array(size), count: 0 };
  }

  /** Grows the buffers for a larger sensor table, keeping what is known. */
  resize(size: number): void {
    if (size <= this.size) return;
    const grow = <T extends Float32Array | Float64Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
      per = 1,
    ) => {
      const next = make(size * per);
      next.set(old);
      return next;
    };
    this.status = grow(this.status, (n) => new Uint8Array(n));
    this.ts = grow(this.ts, (n) => new Float64Array(n).fill(NaN));
    this.values = grow(this.values, (n) => new Float32Array(n).fill(NaN), this.metricCount);
    Object.assign(this.dirty, {
      list: new Uint32Array(size),
      mark: new Uint8Array(size),
      count: 0,
    });
    this.size = size;
    this.redrawAll = true;
  }

  /**
   * Applies one encoded frame. Returns what the caller must do: nothing, or reload a
   * snapshot because a frame was missed (seq gap) or the sensor table changed.
   */
  applyFrame(bytes: Uint8Array, receivedAt: number): 'ok' | 'stale' | 'resync' {
    const frame = readFrame(bytes);
    const { header, sensors: c } = frame;
    if (!header.snapshot && header.seq <= this.lastSeq) return 'stale';
    const gap = !header.snapshot && this.lastSeq >= 0 && header.seq !== this.lastSeq + 1;
    const tableChanged =
      this.header.sensorsVersion !== 0 && header.sensorsVersion !== this.header.sensorsVersion;
    this.lastSeq = header.seq;
    this.lastFrameAt = receivedAt;
    this.header = { ...header };
    const latency = Math.max(0, receivedAt - header.timeMs);
    this.frameLatencyMs =
      this.frameLatencyMs === 0 ? latency : this.frameLatencyMs * 0.8 + latency * 0.2;
    const m = this.metricCount;
    const { list, mark } = this.dirty;
    let v = 0;
    for (let i = 0; i < c.count; i++) {
      const sensor = c.index[i]!;
      const n = c.valueCount[i]!;
      if (sensor >= this.size) {
        v += n;
        continue;
      }
      this.status[sensor] = c.status[i]!;
      const offset = c.tsOffset[i]!;
      this.ts[sensor] = offset === NO_TS ? NaN : header.timeMs + offset;
      if (this.appliedAges && offset !== NO_TS) {
        this.appliedAges[this.appliedCount++ & (this.appliedAges.length - 1)] =
          receivedAt - this.ts[sensor]!;
      }
      for (let k = 0; k < n; k++, v++) this.values[sensor * m + c.metric[v]!] = c.value[v]!;
      if (mark[sensor] === 0) {
        mark[sensor] = 1;
        list[this.dirty.count++] = sensor;
      }
    }
    for (const r of frame.regions) {
      let layers = this.rollups.get(r.region);
      if (!layers) this.rollups.set(r.region, (layers = new Map()));
      layers.set(r.layer, r);
    }
    return gap || tableChanged ? 'resync' : 'ok';
  }

  /** Hands the changed sensors to `visit` and clears the list. */
  drainDirty(visit: (sensor: number) => void): number {
    const { list, mark } = this.dirty;
    const count = this.dirty.count;
    for (let i = 0; i < count; i++) {
      const sensor = list[i]!;
      mark[sensor] = 0;
      visit(sensor);
    }
    this.dirty.count = 0;
    return count;
  }
}
