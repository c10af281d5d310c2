// One gateway for the alert API tests: a water and a traffic incident, a user of each role.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll } from 'vitest';
import type { AlertSummary } from '../src/alerts/summary.ts';
import { findingOf, sensorsIn, testCity, testTwin } from '../src/alerts/test-city.ts';
import { connectClient, startGateway, type RunningGateway } from './gateway-harness.ts';
import { signIn, type SignedIn } from './harness/sign-in.ts';

export const city = testCity();
const twin = testTwin();
export const water = sensorsIn(twin, 'd02', 'water');
const traffic = sensorsIn(twin, 'd04', 'traffic');

export let running: RunningGateway;
export const users: Record<'viewer' | 'operator' | 'dispatcher' | 'admin', SignedIn> = {} as never;
let consoleClient: MqttClient | undefined;
/** What a console subscribed to `$twin/alerts` heard, in order. */
export const published: AlertSummary[] = [];

/** Signal times near now, so SLA deadlines are not long past. */
export const start = Date.now() - 60_000;

/** Calls the gateway's HTTP API as `user` (or without a token). */
export async function call(
  method: 'GET' | 'POST',
  path: string,
  user?: SignedIn,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${running.httpUrl}${path}`, {
    method,
    headers: {
      ...(user?.headers ?? {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Starts the gateway before the file's tests (signing in the users, raising the incidents) and
 * disposes of it after them.
 */
export function useAlertApiGateway(): void {
  beforeAll(async () => {
    running = await startGateway({ openConsole: false }, { city });
    for (const role of ['viewer', 'operator', 'dispatcher', 'admin'] as const)
      users[role] = await signIn(running, role);
    consoleClient = await connectClient(`${running.httpUrl.replace('http', 'ws')}/mqtt`, {
      clientId: 'console-alerts-api-test',
      username: users.viewer.name,
      password: users.viewer.token,
    });
    consoleClient.on('message', (topic, payload) => {
      if (topic === '$twin/alerts')
        published.push((JSON.parse(payload.toString()) as { alert: AlertSummary }).alert);
    });
    await consoleClient.subscribeAsync('$twin/alerts');
    const { raise } = running.gateway.signals;
    water
      .slice(0, 4)
      .forEach((d, i) =>
        raise(findingOf(d, 'water', start + i * 1000, { metric: 'pressure_bar' })),
      );
    raise(findingOf(traffic[0]!, 'traffic', start + 5000, { metric: 'speed_kmh' }));
  }, 60_000);

  afterAll(async () => {
    await consoleClient?.endAsync(true);
    await running?.dispose();
  });
}
