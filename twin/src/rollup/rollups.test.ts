import { describe, expect, it } from 'vitest';
import { ALERT_SEVERITIES, type AlertSeverity } from '../layer-scales.ts';
import { createRandom } from '../random.ts';
import { histogramRange, Rollups, type RollupNode } from './rollups.ts';

const WINDOW_MS = 60_000;
const BUCKETS = 6;
const BINS = 32;
const BUCKET_MS = WINDOW_MS / BUCKETS;
const METRICS: Record<string, string[]> = { air: ['pm25', 'no2'], noise: ['noise_db'] };

type Event =
  | { kind: 'reading'; sensor: number; ts: number; values: Record<string, number>; at: number }
  | { kind: 'announce'; sensor: number; status: 'online' | 'offline'; at: number }
  | { kind: 'alert'; sensor: number; severity: AlertSeverity; delta: 1 | -1 }
  | { kind: 'sweep'; at: number };

interface Sensor {
  id: string;
  layer: string;
  nodes: RollupNode[];
}

/** A small random city: sensors in districts, grids, a grid system and (count-only) buildings. */
function sensors(count: number, random: () => number): Sensor[] {
  return Array.from({ length: count }, (_, i) => {
    const d = Math.floor(random() * 3);
    const g = Math.floor(random() * 4);
    const layer = random() < 0.6 ? 'air' : 'noise';
    return {
      id: `${layer}-${i}`,
      layer,
      nodes: [
        { id: 'city', stats: true },
        { id: `d${d}`, stats: true },
        { id: `d${d}-g${g}`, stats: true },
        { id: `pol-${(d + g) % 5}`, stats: true },
        { id: `b${i % 7}`, stats: false },
      ],
    };
  });
}

describe('Rollups', () => {
  it('matches a brute-force recomputation after thousands of random events', () => {
    const random = createRandom(42);
    const city = sensors(60, random);
    const rollups = new Rollups({
      windowMs: WINDOW_MS,
      buckets: BUCKETS,
      bins: BINS,
      staleAfterIntervals: 3,
      minStaleMs: 2_000,
    });
    for (const s of city) rollups.addSensor(s.id, s.layer, s.nodes);

    const events: Event[] = [];
    let now = 1_764_400_000_000;
    for (let step = 0; step < 4000; step++) {
      now += Math.floor(random() * 120);
      const sensor = Math.floor(random() * city.length);
      const r = random();
      if (r < 0.85) {
        const values: Record<string, number> = {};
        for (const m of METRICS[city[sensor]!.layer]!) {
          const [lo, hi] = histogramRange(m, 0);
          values[m] = lo + random() * (hi - lo);
        }
        // Some readings arrive late, a few so late they fall out of the window.
        const ts = now - Math.floor(random() < 0.1 ? random() * WINDOW_MS * 1.5 : random() * 500);
        events.push({ kind: 'reading', sensor, ts, values, at: now });
      } else if (r < 0.9) {
        events.push({
          kind: 'announce',
          sensor,
          status: random() < 0.5 ? 'online' : 'offline',
          at: now,
        });
      } else if (r < 0.95) {
        const severity = ALERT_SEVERITIES[Math.floor(random() * 4)]!;
        events.push({ kind: 'alert', sensor, severity, delta: random() < 0.7 ? 1 : -1 });
      } else {
        events.push({ kind: 'sweep', at: now });
      }
    }
    for (const e of events) {
      if (e.kind === 'reading') rollups.reading(e.sensor, e.ts, e.values, e.at);
      else if (e.kind === 'announce') rollups.announce(e.sensor, e.status, e.at);
      else if (e.kind === 'alert') rollups.alert(e.sensor, e.severity, e.delta);
      else rollups.sweep(e.at);
    }

    const expected = bruteForce(city, events);
    const nodes = new Set(city.flatMap((s) => s.nodes.map((n) => n.id)));
    let compared = 0;
    for (const node of nodes) {
      for (const layer of ['air', 'noise']) {
        const want = expected.get(`${node}/${layer}`);
        const got = rollups.get(node, layer);
        if (!want) {
          expect(got).toBeUndefined();
          continue;
        }
        expect(got, `${node}/${layer}`).toMatchObject(want.counts);
        for (const [metric, values] of want.metrics) {
          const stats = got!.metrics.find((m) => m.metric === metric);
          if (values.length === 0 || !want.withStats) {
            expect(stats).toBeUndefined();
            continue;
          }
          const sorted = [...values].sort((a, b) => a - b);
          const sum = values.reduce((s, v) => s + v, 0);
          expect(stats!.count).toBe(values.length);
          expect(stats!.mean).toBeCloseTo(sum / values.length, 9);
          expect(stats!.min).toBe(sorted[0]);
          expect(stats!.max).toBe(sorted[sorted.length - 1]);
          const exactP95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
          const [lo, hi] = histogramRange(metric, 0);
          expect(Math.abs(stats!.p95 - exactP95)).toBeLessThanOrEqual((hi - lo) / BINS);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('marks a sensor stale after several of its usual intervals, and online on its next reading', () => {
    const rollups = new Rollups({ staleAfterIntervals: 3, minStaleMs: 1000 });
    const i = rollups.addSensor('air-1', 'air', [{ id: 'city', stats: true }]);
    expect(rollups.total('city')).toMatchObject({ sensors: 1, online: 0, offline: 1 });
    const t0 = 1_764_400_000_000;
    for (let k = 0; k < 5; k++) rollups.reading(i, t0 + k * 1000, { pm25: 10 }, t0 + k * 1000);
    expect(rollups.sensor(i)!.intervalMs).toBe(1000);
    rollups.sweep(t0 + 4000 + 2999);
    expect(rollups.sensor(i)!.status).toBe('online');
    rollups.sweep(t0 + 4000 + 3001);
    expect(rollups.sensor(i)!.status).toBe('stale');
    expect(rollups.total('city')).toMatchObject({ online: 0, stale: 1 });
    rollups.reading(i, t0 + 9000, { pm25: 11 }, t0 + 9000);
    expect(rollups.total('city')).toMatchObject({ online: 1, stale: 0 });
    rollups.announce(i, 'offline', t0 + 9500);
    expect(rollups.total('city')).toMatchObject({ online: 0, offline: 1 });
  });

  it('reports only what changed since the last call', () => {
    const rollups = new Rollups();
    const a = rollups.addSensor('air-1', 'air', [
      { id: 'city', stats: true },
      { id: 'd1', stats: true },
    ]);
    rollups.addSensor('noise-1', 'noise', [
      { id: 'city', stats: true },
      { id: 'd2', stats: true },
    ]);
    rollups.takeChanges();
    rollups.reading(a, 1000, { pm25: 3 }, 1000);
    const changes = rollups.takeChanges();
    expect(changes.sensors).toEqual([a]);
    expect(changes.cells.sort()).toEqual([
      ['city', 'air'],
      ['d1', 'air'],
    ]);
    expect(rollups.takeChanges()).toEqual({ sensors: [], cells: [] });
  });
});

/** Recomputes every node's rollup from the full event list. */
function bruteForce(city: Sensor[], events: Event[]) {
  const status = city.map(() => 'offline' as string);
  const lastSeen: (number | undefined)[] = city.map(() => undefined);
  const interval = city.map(() => 60_000);
  const gaps = city.map(() => 0);
  const alerts = city.map(() => [0, 0, 0, 0]);
  const kept: { sensor: number; bucket: number; values: Record<string, number> }[] = [];
  let clock = -Infinity;
  for (const e of events) {
    if (e.kind !== 'alert') clock = Math.max(clock, e.at);
    if (e.kind === 'reading') {
      const i = e.sensor;
      const seen = lastSeen[i];
      if (seen !== undefined && e.at > seen) {
        const gap = e.at - seen;
        interval[i] = gaps[i] === 0 ? gap : interval[i]! * 0.8 + gap * 0.2;
        gaps[i] = gaps[i]! + 1;
      }
      lastSeen[i] = Math.max(seen ?? e.at, e.at);
      status[i] = 'online';
      kept.push({
        sensor: i,
        bucket: Math.floor(Math.min(e.ts, clock) / BUCKET_MS),
        values: e.values,
      });
    } else if (e.kind === 'announce') {
      if (e.status === 'online') lastSeen[e.sensor] = Math.max(lastSeen[e.sensor] ?? e.at, e.at);
      status[e.sensor] = e.status;
    } else if (e.kind === 'alert') {
      const level = ALERT_SEVERITIES.indexOf(e.severity);
      const open = alerts[e.sensor]!;
      if (open[level]! + e.delta < 0) continue;
      open[level] = open[level]! + e.delta;
    } else {
      city.forEach((_, s) => {
        if (status[s] === 'online' && e.at - lastSeen[s]! > Math.max(2000, interval[s]! * 3))
          status[s] = 'stale';
      });
    }
  }
  const now = Math.floor(clock / BUCKET_MS);
  const result = new Map<
    string,
    { counts: Record<string, unknown>; metrics: Map<string, number[]>; withStats: boolean }
  >();
  city.forEach((sensor, i) => {
    for (const node of sensor.nodes) {
      const key = `${node.id}/${sensor.layer}`;
      let entry = result.get(key);
      if (!entry) {
        entry = {
          counts: { sensors: 0, online: 0, stale: 0, offline: 0, alerts: [0, 0, 0, 0] },
          metrics: new Map(),
          withStats: node.stats,
        };
        result.set(key, entry);
      }
      const c = entry.counts as {
        sensors: number;
        online: number;
        stale: number;
        offline: number;
        alerts: number[];
      };
      c.sensors++;
      if (status[i] === 'online') c.online++;
      else if (status[i] === 'stale') c.stale++;
      else c.offline++;
      alerts[i]!.forEach((n, k) => (c.alerts[k]! += n));
      for (const m of METRICS[sensor.layer]!) if (!entry.metrics.has(m)) entry.metrics.set(m, []);
    }
  });
  for (const { sensor, bucket, values } of kept) {
    if (!(bucket > now - BUCKETS && bucket <= now)) continue;
    for (const node of city[sensor]!.nodes) {
      const entry = result.get(`${node.id}/${city[sensor]!.layer}`)!;
      for (const [m, v] of Object.entries(values)) entry.metrics.get(m)!.push(v);
    }
  }
  return result;
}
