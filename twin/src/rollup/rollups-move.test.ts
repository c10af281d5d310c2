import { describe, expect, it } from 'vitest';
import { ALERT_SEVERITIES } from '../layer-scales.ts';
import { createRandom } from '../random.ts';
import { Rollups, type RollupNode } from './rollups.ts';

const DISTRICTS = 4;
const BEATS = 5;

/** Where a sensor can be: a district and grid cell, a policing beat, maybe a building. */
function placeAt(random: () => number): RollupNode[] {
  const d = Math.floor(random() * DISTRICTS);
  const g = Math.floor(random() * 3);
  const nodes: RollupNode[] = [
    { id: 'city', stats: true },
    { id: `d${d}`, stats: true },
    { id: `d${d}-g${g}`, stats: true },
    { id: `beat-${Math.floor(random() * BEATS)}`, stats: true },
  ];
  if (random() < 0.5) nodes.push({ id: `b${d}-${g}`, stats: false });
  return nodes;
}

type Event =
  | { kind: 'reading'; sensor: number; value: number; at: number }
  | { kind: 'announce'; sensor: number; status: 'online' | 'offline'; at: number }
  | { kind: 'alert'; sensor: number; level: number; delta: 1 | -1 }
  | { kind: 'move'; sensor: number; nodes: RollupNode[] };

describe('Rollups when sensors move', () => {
  it('matches a brute-force recomputation after random moves among readings, statuses and alerts', () => {
    const random = createRandom(7);
    const count = 40;
    const placed = Array.from({ length: count }, () => placeAt(random));
    const layers = Array.from({ length: count }, () => (random() < 0.5 ? 'air' : 'noise'));
    const metricOf = (layer: string) => (layer === 'air' ? 'pm25' : 'noise_db');
    // A window far longer than the run: every reading stays in it.
    const rollups = new Rollups({ windowMs: 3_600_000, buckets: 6 });
    placed.forEach((nodes, i) => rollups.addSensor(`s${i}`, layers[i]!, nodes));

    const events: Event[] = [];
    let now = 1_764_400_000_000;
    for (let step = 0; step < 3000; step++) {
      now += Math.floor(random() * 50);
      const sensor = Math.floor(random() * count);
      const r = random();
      if (r < 0.7) events.push({ kind: 'reading', sensor, value: random() * 80, at: now });
      else if (r < 0.8)
        events.push({
          kind: 'announce',
          sensor,
          status: random() < 0.5 ? 'online' : 'offline',
          at: now,
        });
      else if (r < 0.9)
        events.push({
          kind: 'alert',
          sensor,
          level: Math.floor(random() * 4),
          delta: random() < 0.7 ? 1 : -1,
        });
      else events.push({ kind: 'move', sensor, nodes: placeAt(random) });
    }

    // Brute force: statuses and alerts end where the sensor ends; each reading counts in the
    // nodes the sensor was in when it was taken.
    const status = placed.map(() => 'offline');
    const alerts = placed.map(() => [0, 0, 0, 0]);
    const where = placed.map((nodes) => nodes);
    const values = new Map<string, number[]>();
    for (const e of events) {
      if (e.kind === 'reading') {
        rollups.reading(e.sensor, e.at, { [metricOf(layers[e.sensor]!)]: e.value }, e.at);
        status[e.sensor] = 'online';
        for (const n of where[e.sensor]!) {
          if (!n.stats) continue;
          const key = `${n.id}/${layers[e.sensor]}`;
          values.set(key, [...(values.get(key) ?? []), e.value]);
        }
      } else if (e.kind === 'announce') {
        rollups.announce(e.sensor, e.status, e.at);
        status[e.sensor] = e.status;
      } else if (e.kind === 'alert') {
        rollups.alert(e.sensor, ALERT_SEVERITIES[e.level]!, e.delta);
        const open = alerts[e.sensor]!;
        if (open[e.level]! + e.delta >= 0) open[e.level] = open[e.level]! + e.delta;
      } else {
        rollups.moveSensor(e.sensor, e.nodes);
        where[e.sensor] = e.nodes;
      }
    }
    expect(events.filter((e) => e.kind === 'move').length).toBeGreaterThan(200);

    const nodeIds = new Set([
      'city',
      ...Array.from({ length: DISTRICTS }, (_, d) => [
        `d${d}`,
        ...[0, 1, 2].flatMap((g) => [`d${d}-g${g}`, `b${d}-${g}`]),
      ]).flat(),
      ...Array.from({ length: BEATS }, (_, b) => `beat-${b}`),
    ]);
    for (const node of nodeIds) {
      for (const layer of ['air', 'noise']) {
        const want = { sensors: 0, online: 0, stale: 0, offline: 0, alerts: [0, 0, 0, 0] };
        where.forEach((nodes, i) => {
          if (layers[i] !== layer || !nodes.some((n) => n.id === node)) return;
          want.sensors++;
          if (status[i] === 'online') want.online++;
          else want.offline++;
          alerts[i]!.forEach((a, k) => (want.alerts[k]! += a));
        });
        const got = rollups.get(node, layer);
        expect(got ?? want, `${node}/${layer}`).toMatchObject(want);
        const taken = values.get(`${node}/${layer}`) ?? [];
        const stats = got?.metrics.find((m) => m.metric === metricOf(layer));
        expect(stats?.count ?? 0, `${node}/${layer} readings`).toBe(taken.length);
        if (taken.length > 0) {
          expect(stats!.mean).toBeCloseTo(taken.reduce((a, b) => a + b, 0) / taken.length, 6);
          expect(stats!.min).toBe(Math.min(...taken));
          expect(stats!.max).toBe(Math.max(...taken));
        }
      }
    }
  });

  it('touches only the nodes a sensor leaves or joins', () => {
    const rollups = new Rollups();
    const i = rollups.addSensor('air-1', 'air', [
      { id: 'city', stats: true },
      { id: 'd1', stats: true },
      { id: 'beat-1', stats: true },
    ]);
    rollups.alert(i, 'major', 1);
    rollups.takeChanges();
    rollups.moveSensor(i, [
      { id: 'city', stats: true },
      { id: 'd2', stats: true },
      { id: 'beat-1', stats: true },
    ]);
    expect(rollups.takeChanges().cells.sort()).toEqual([
      ['d1', 'air'],
      ['d2', 'air'],
    ]);
    expect(rollups.get('d1', 'air')).toMatchObject({
      sensors: 0,
      offline: 0,
      alerts: [0, 0, 0, 0],
    });
    expect(rollups.get('d2', 'air')).toMatchObject({
      sensors: 1,
      offline: 1,
      alerts: [0, 1, 0, 0],
    });
    expect(rollups.total('city')).toMatchObject({ sensors: 1, alerts: [0, 1, 0, 0] });
  });
});
