import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, gaussian } from '@sensegrid/twin';
import { RecordingWriter, replayRecording } from '@sensegrid/firmware-sim';
import type { Signal } from '../src/alerts/signal.ts';
import type { SeriesFinding } from '../src/detect/finding.ts';
import { startGateway } from './gateway-harness.ts';

const T0 = Date.parse('2026-11-02T00:00:00Z');
const STEP_MS = 10_000;
const STEPS = 2160; // six hours of readings every 10 s
const DEVICES = [
  { id: 'air-7001', kind: 'air', metric: 'pm25', level: 18, noise: 2 },
  { id: 'air-7002', kind: 'air', metric: 'pm25', level: 22, noise: 2.5 },
  { id: 'air-7003', kind: 'air', metric: 'pm25', level: 15, noise: 1.5 },
  { id: 'water-7001', kind: 'water', metric: 'pressure_bar', level: 4.2, noise: 0.05 },
  { id: 'water-7002', kind: 'water', metric: 'pressure_bar', level: 3.9, noise: 0.05 },
  { id: 'noise-7001', kind: 'noise', metric: 'noise_db', level: 55, noise: 3 },
];

/**
 * A recording of six devices over six hours: warm-up, then spikes, a pressure drop shared by
 * both water sensors, a stuck air sensor and a silent stretch, all from one seed.
 */
async function writeRecording(path: string): Promise<number> {
  const random = createRandom(42);
  const writer = new RecordingWriter(path, { createdAt: T0, source: 'test' });
  const [lat, lon] = [30.25, 120.16];
  DEVICES.forEach((device, i) =>
    writer.write({
      t: T0 - 1000,
      topic: `devices/${device.id}/meta`,
      qos: 1,
      retain: true,
      payload: Buffer.from(
        JSON.stringify({ kind: device.kind, lat: lat + i * 0.0004, lon: lon + i * 0.0004 }),
      ),
    }),
  );
  for (let step = 0; step < STEPS; step++) {
    const ts = T0 + step * STEP_MS;
    for (const [i, device] of DEVICES.entries()) {
      if (device.id === 'noise-7001' && step > 1500 && step < 1700) continue; // silent
      let value = device.level + device.noise * gaussian(random);
      if (step === 900 + i * 37) value += device.noise * 25; // a spike each
      if (device.kind === 'water' && step >= 1300 && step < 1360) value -= 1.5; // a burst
      if (device.id === 'air-7003' && step >= 1800) value = 15; // stuck
      writer.write({
        t: ts,
        topic: `devices/${device.id}/readings`,
        qos: 1,
        retain: false,
        payload: Buffer.from(
          JSON.stringify({ ts, seq: step + 1, values: { [device.metric]: value } }),
        ),
      });
    }
  }
  await writer.close();
  return writer.messages;
}

interface RunResult {
  stored: Record<string, unknown[]>;
  findings: SeriesFinding[];
  signals: Signal[];
  /** The incidents, with what derives from the readings (not wall-clock bookkeeping). */
  alerts: unknown[];
}

/** Replays the recording into a fresh gateway and returns what it stored and found. */
async function replayIntoFreshGateway(file: string): Promise<RunResult> {
  const running = await startGateway();
  try {
    const signals: Signal[] = [];
    running.gateway.signals.onSignal((signal) => signals.push(signal));
    await replayRecording({ file, url: running.mqttUrl, speed: 'max', window: 200 });
    const total = DEVICES.length * STEPS - 199;
    await expect
      .poll(() => running.gateway.stats().readingsStored, { timeout: 60_000 })
      .toBe(total);
    running.gateway.findings.checkSilence();
    const stored: Record<string, unknown[]> = {};
    for (const device of DEVICES) {
      stored[device.id] = await running.gateway.store.scan(device.id, 0, T0 + 86_400_000);
    }
    const alerts = running.gateway.alerts.list().map((summary) => {
      const { overdue: _overdue, updatedAt: _updatedAt, ...rest } = summary;
      const detail = running.gateway.alerts.detail(summary.id)!;
      return { ...rest, brief: detail.brief, members: detail.memberList };
    });
    return {
      stored,
      findings: running.gateway.findings.recent({ limit: 1000 }),
      signals,
      alerts,
    };
  } finally {
    await running.dispose();
  }
}

describe('a recording replayed into a fresh gateway', () => {
  let work: string;
  let file: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'sensegrid-determinism-'));
    file = join(work, 'city.ndjson.gz');
    await writeRecording(file);
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('stores the same points and raises the same findings, signals and alerts every time', async () => {
    const first = await replayIntoFreshGateway(file);
    const second = await replayIntoFreshGateway(file);
    // The recording holds anomalies, so there is something to agree on.
    const kinds = new Set(first.findings.map((f) => `${f.device} ${f.kind}`));
    expect(kinds).toContain('air-7003 flatline');
    expect(kinds).toContain('noise-7001 missing');
    expect(first.signals.length).toBeGreaterThanOrEqual(first.findings.length);
    expect(first.alerts.length).toBeGreaterThan(0);
    expect(second.stored).toEqual(first.stored);
    expect(second.findings).toEqual(first.findings);
    expect(second.signals).toEqual(first.signals);
    expect(second.alerts).toEqual(first.alerts);
  }, 180_000);
});
