import { createRandom, gaussian } from '@sensegrid/twin';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertSummary } from '../src/alerts/summary.ts';
import { sensorsIn, testCity, testTwin } from '../src/alerts/test-city.ts';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';
import { signIn } from './harness/sign-in.ts';

const STEP_MS = 300_000;
const HISTORY_POINTS = 2 * 288;
/** Readings per publish; below the detector's 5 missed intervals, so no series looks silent. */
const CHUNK = 4;

const city = testCity();
const devices = sensorsIn(testTwin(), 'd02', 'water').slice(0, 3);
let gateways: RunningGateway[] = [];

afterEach(async () => {
  for (const g of gateways) await g.dispose();
  gateways = [];
});

/** Two days of usual water pressure with a daily swing, then a burst to about 12 bar. */
function pressureReadings(seed: number, endMs: number) {
  const random = createRandom(seed);
  const values = Array.from(
    { length: HISTORY_POINTS },
    (_, i) => 3.5 + 0.4 * Math.sin((2 * Math.PI * i) / 288) + 0.05 * gaussian(random),
  );
  values.push(12, 12.5, 12.2);
  return values.map((value, i) => ({
    ts: endMs - (values.length - 1 - i) * STEP_MS,
    seq: i + 1,
    values: { pressure_bar: Math.round(value * 1000) / 1000 },
  }));
}

/** Publishes every device's readings over MQTT, the devices side by side in time. */
async function publishBurst(running: RunningGateway, endMs: number): Promise<void> {
  const client = await connectClient(running.mqttUrl, { clientId: 'alerts-e2e-field' });
  try {
    const series = devices.map((_, k) => pressureReadings(k + 1, endMs));
    for (let i = 0; i < series[0]!.length; i += CHUNK) {
      for (const [k, device] of devices.entries()) {
        await publish(
          client,
          `devices/${device}/readings`,
          JSON.stringify(series[k]!.slice(i, i + CHUNK)),
        );
      }
    }
  } finally {
    await client.endAsync();
  }
}

async function waterAlerts(running: RunningGateway): Promise<AlertSummary[]> {
  const user = await signIn(running, 'viewer');
  const response = await fetch(`${running.httpUrl}/api/alerts?layer=water`, {
    headers: user.headers,
  });
  return ((await response.json()) as { alerts: AlertSummary[] }).alerts;
}

/** What must agree between replays: everything derived from the readings. */
const identity = (a: AlertSummary) => {
  const { overdue: _overdue, updatedAt: _updatedAt, ...rest } = a;
  return rest;
};

describe('readings to incidents, end to end', () => {
  it('turns pressure bursts published over MQTT into one incident in GET /api/alerts, the same on a replay', async () => {
    const endMs = Date.now();
    const first = await startGateway({}, { city });
    gateways.push(first);
    await publishBurst(first, endMs);
    await expect
      .poll(async () => (await waterAlerts(first))[0]?.devices ?? 0, { timeout: 30_000 })
      .toBe(devices.length);
    const alerts = await waterAlerts(first);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      id: 'inc-000001',
      state: 'discovered',
      layer: 'water',
      place: { system: 'admin', id: 'd02', name: 'Riverside' },
      department: 'water-utility',
      devices: 3,
    });
    expect(alerts[0]!.openedAt).toBeGreaterThanOrEqual(endMs - 2 * STEP_MS);
    expect(alerts[0]!.lastSignalAt).toBeLessThanOrEqual(endMs);

    const second = await startGateway({}, { city });
    gateways.push(second);
    await publishBurst(second, endMs);
    await expect
      .poll(async () => (await waterAlerts(second)).map(identity), { timeout: 30_000 })
      .toEqual(alerts.map(identity));
  });
});
