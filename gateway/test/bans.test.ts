import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialStore } from '../src/guard/credentials.ts';
import { startGateway, type RunningGateway } from './gateway-harness.ts';

let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.dispose();
  running = undefined;
});

/** The CONNACK code of an attempt, or 'closed' when the gateway hung up without one. */
function attempt(url: string, options: mqtt.IClientOptions): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000, ...options });
    client.once('connect', () => {
      client.end(true);
      resolve(0);
    });
    client.once('error', (error) => {
      client.end(true);
      const code = (error as { code?: unknown }).code;
      resolve(typeof code === 'number' ? code : 'closed');
    });
    client.once('close', () => resolve('closed'));
  });
}

describe('bans', () => {
  it('bans an address after repeated failed logins, even for a right secret', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-bans-'));
    const secret = (
      await new CredentialStore(join(dataDir, 'credentials.json')).provision([{ id: 'bolt-1' }])
    ).get('bolt-1')!;
    running = await startGateway({ dataDir, allowAnonymous: false, banAfterAuthFailures: 3 });
    const wrong = { clientId: 'bolt-1', username: 'bolt-1', password: 'guess' };
    for (let i = 0; i < 3; i++) expect(await attempt(running.mqttUrl, wrong)).toBe(4);
    const right = { clientId: 'bolt-1', username: 'bolt-1', password: secret };
    expect(await attempt(running.mqttUrl, right)).toBe('closed');
    const metrics = await (await fetch(`${running.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/sensegrid_mqtt_connections_dropped_total\{reason="banned"\} [1-9]/);
  });

  it('bans a client id that keeps reconnecting, and only that one', async () => {
    running = await startGateway({ banAfterReconnects: 3 });
    for (let i = 0; i < 2; i++)
      expect(await attempt(running.mqttUrl, { clientId: 'flappy' })).toBe(0);
    expect(await attempt(running.mqttUrl, { clientId: 'flappy' })).toBe(5);
    expect(await attempt(running.mqttUrl, { clientId: 'flappy' })).toBe(5);
    expect(await attempt(running.mqttUrl, { clientId: 'steady' })).toBe(0);
  });

  it('refuses connections from an address opening them faster than its limit', async () => {
    running = await startGateway({ connectsPerSecPerAddress: 5 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attempt(running!.mqttUrl, { clientId: `burst-${i}` })),
    );
    expect(results.filter((r) => r === 0).length).toBeLessThanOrEqual(11);
    expect(results.filter((r) => r === 'closed').length).toBeGreaterThanOrEqual(9);
  });
});
