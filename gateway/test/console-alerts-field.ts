import type { MqttClient } from 'mqtt';
import { expect } from 'vitest';
import { createCityIndex, createDemoCity, createRandom } from '@sensegrid/twin';
import type { SignedIn } from './harness/sign-in.ts';
import { publish, type RunningGateway } from './gateway-harness.ts';

/** The city of the console alert tests, and readings that make incidents in it. */
export const city = createDemoCity({ seed: 3, sensors: 1500 });
const index = createCityIndex(city);
const STEP_MS = 300_000;
/** Two days of 5-minute readings: enough history for the detector to know the usual level. */
const HISTORY_POINTS = 2 * 288;

/** A burst: `devices` of one district whose `metric` jumps from its usual level to `spike`. */
export interface Burst {
  layer: string;
  metric: string;
  usual: number;
  spike: number;
  district: { id: string; name: string };
  devices: string[];
}

/** The district with the most sensors of `layer`, and four of them. */
export function burstIn(layer: string, metric: string, usual: number, spike: number): Burst {
  const byDistrict = new Map<string, string[]>();
  for (const s of city.sensors.filter((s) => s.layer === layer)) {
    const district = index.place(s.lat, s.lon).district;
    if (district) byDistrict.set(district, [...(byDistrict.get(district) ?? []), s.id]);
  }
  const [district, devices] = [...byDistrict].sort((a, b) => b[1].length - a[1].length)[0]!;
  return {
    layer,
    metric,
    usual,
    spike,
    district: index.node(district)!,
    devices: devices.slice(0, 4),
  };
}

/**
 * Two days of the usual level with a daily swing and bounded noise (no tail that a detector
 * could rightly flag), then the spike now.
 */
function burstReadings(burst: Burst, seed: number, endMs: number) {
  const random = createRandom(seed);
  const values = Array.from(
    { length: HISTORY_POINTS },
    (_, i) => burst.usual * (1 + 0.1 * Math.sin((2 * Math.PI * i) / 288) + 0.02 * (random() - 0.5)),
  );
  values.push(burst.spike);
  return values.map((value, i) => ({
    ts: endMs - (values.length - 1 - i) * STEP_MS,
    seq: i + 1,
    values: { [burst.metric]: Math.round(value * 1000) / 1000 },
  }));
}

/** Every device's history first, then every device's spike, as they would arrive live. */
export async function publishBurst(client: MqttClient, burst: Burst): Promise<void> {
  const endMs = Date.now();
  const series = burst.devices.map(
    (device, k) => [device, burstReadings(burst, k + 1, endMs)] as const,
  );
  for (const [device, readings] of series) {
    for (let i = 0; i < HISTORY_POINTS; i += 300) {
      const batch = JSON.stringify(readings.slice(i, Math.min(i + 300, HISTORY_POINTS)));
      await publish(client, `devices/${device}/readings`, batch);
    }
  }
  for (const [device, readings] of series) {
    await publish(
      client,
      `devices/${device}/readings`,
      JSON.stringify(readings.slice(HISTORY_POINTS)),
    );
  }
}

export interface Summary {
  id: string;
  state: string;
  devices: number;
  department: string;
  place: { id: string };
}

async function openAlerts(running: RunningGateway, user: SignedIn, layer: string) {
  const response = await fetch(`${running.httpUrl}/api/alerts?state=open&layer=${layer}`, {
    headers: user.headers,
  });
  return response.ok ? ((await response.json()) as { alerts: Summary[] }).alerts : [];
}

/** Waits until the burst's incident gathers findings of at least two of its devices. */
export async function incidentOf(running: RunningGateway, user: SignedIn, burst: Burst) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const alerts = await openAlerts(running, user, burst.layer);
    if ((alerts[0]?.devices ?? 0) >= 2) return alerts;
    if (Date.now() > deadline)
      throw new Error(`no ${burst.layer} incident: ${JSON.stringify(alerts)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Takes an action through the HTTP API, as someone at another console would. */
export async function act(
  running: RunningGateway,
  user: SignedIn,
  id: string,
  action: string,
  body: Record<string, string> = {},
) {
  const response = await fetch(`${running.httpUrl}/api/alerts/${id}/${action}`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}
