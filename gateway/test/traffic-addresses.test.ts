import { mkdtemp } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttClient, type IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../src/alerts/signal.ts';
import { CredentialStore } from '../src/guard/credentials.ts';
import { startGateway, type RunningGateway } from './gateway-harness.ts';
import { signIn } from './harness/sign-in.ts';

let running: RunningGateway;
let secret: string;
const signals: Signal[] = [];
const open: MqttClient[] = [];

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-traffic-'));
  const credentials = new CredentialStore(join(dataDir, 'credentials.json'));
  secret = (await credentials.provision([{ id: 'lock-1' }])).get('lock-1')!;
  running = await startGateway(
    { dataDir, banAfterAuthFailures: 5 },
    { traffic: { authFailures: 3, authFailureWindowMs: 30_000, warmupPublishes: 5 } },
  );
  running.gateway.signals.onSignal((signal) => {
    if (signal.source === 'traffic') signals.push(signal);
  });
});
afterAll(async () => {
  for (const client of open) client.end(true);
  await running.dispose();
});

/**
 * Connects from `localAddress` (loopback takes any 127.x address as a source); resolves with
 * the client, or the CONNACK code of a refusal, or 'closed' when the gateway hung up.
 */
function connectFrom(
  localAddress: string,
  options: IClientOptions,
): Promise<MqttClient | number | 'closed'> {
  const { hostname, port } = new URL(running.mqttUrl);
  const client = new MqttClient(
    () => createConnection({ host: hostname, port: Number(port), localAddress }),
    { reconnectPeriod: 0, connectTimeout: 5000, ...options },
  );
  return new Promise((resolve) => {
    client.once('connect', () => {
      open.push(client);
      resolve(client);
    });
    client.once('error', (error) => {
      client.end(true);
      const code = (error as { code?: unknown }).code;
      resolve(typeof code === 'number' ? code : 'closed');
    });
    client.once('close', () => resolve('closed'));
  });
}

const found = (kind: string) => signals.filter((s) => s.kind === kind);

describe('the traffic monitor on addresses', () => {
  it('flags a burst of failed logins from one address, which the guard then bans', async () => {
    const wrong = { clientId: 'lock-1', username: 'lock-1', password: 'guess' };
    for (let i = 0; i < 5; i++) expect(await connectFrom('127.0.0.3', wrong)).toBe(4);
    expect(found('auth_failures')).toHaveLength(1);
    expect(found('auth_failures')[0]).toMatchObject({ source: 'traffic', layer: 'netsec' });
    expect(found('auth_failures')[0]!.explanation).toBe(
      '3 failed logins from 127.0.0.3 within 30 s (latest as client id lock-1)',
    );
    const right = { clientId: 'lock-1', username: 'lock-1', password: secret };
    expect(await connectFrom('127.0.0.3', right)).toBe('closed');
    const fromElsewhere = await connectFrom('127.0.0.1', right);
    expect(fromElsewhere).toBeInstanceOf(MqttClient);
    await (fromElsewhere as MqttClient).endAsync();
  });

  it('flags a client id used from two addresses at once', async () => {
    expect(await connectFrom('127.0.0.1', { clientId: 'shared-1' })).toBeInstanceOf(MqttClient);
    expect(await connectFrom('127.0.0.2', { clientId: 'shared-1' })).toBeInstanceOf(MqttClient);
    await expect.poll(() => found('shared_id').length).toBe(1);
    expect(found('shared_id')[0]).toMatchObject({ device: 'shared-1', layer: 'netsec' });
    expect(found('shared_id')[0]!.explanation).toBe(
      'client id shared-1 connected from 127.0.0.2 while it is connected from 127.0.0.1',
    );
  });

  it("flags a device that publishes to another device's topic, which the guard refuses", async () => {
    const right = { clientId: 'lock-1', username: 'lock-1', password: secret };
    const client = (await connectFrom('127.0.0.1', right)) as MqttClient;
    for (let seq = 1; seq <= 5; seq++) {
      await client.publishAsync('devices/lock-1/readings', `{"seq":${seq},"values":{"open":0}}`, {
        qos: 1,
      });
    }
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('devices/lock-2/readings', '{"values":{"open":1}}', { qos: 1 });
    await closed;
    await expect.poll(() => found('new_topic').length).toBe(1);
    expect(found('new_topic')[0]).toMatchObject({ device: 'lock-1', layer: 'netsec' });
    expect(found('new_topic')[0]!.explanation).toContain(
      'device lock-1 published to devices/lock-2/readings, a topic it had not used before',
    );
  });

  it('lists misbehaving addresses with their bans at /api/security', async () => {
    const { headers } = await signIn(running, 'operator');
    const body = (await (await fetch(`${running.httpUrl}/api/security`, { headers })).json()) as {
      devices: { id: string; addresses: string[]; kinds: { kind: string }[] }[];
      addresses: {
        id: string;
        now: boolean;
        kinds: { kind: string; count: number }[];
        ban?: { reason: string };
      }[];
    };
    const address = body.addresses.find((a) => a.id === '127.0.0.3');
    expect(address?.kinds).toMatchObject([{ kind: 'auth_failures', count: 3 }]);
    expect(address?.now).toBe(true);
    expect(address?.ban?.reason).toBe('5 failed logins within a minute');
    const shared = body.devices.find((d) => d.id === 'shared-1');
    expect(shared?.kinds.map((k) => k.kind)).toEqual(['shared_id']);
    expect(shared?.addresses).toEqual(['127.0.0.1', '127.0.0.2']);
  });

  it('shows security data to operators only and lets only admins lift bans', async () => {
    const viewer = await signIn(running, 'viewer');
    const operator = await signIn(running, 'operator');
    expect((await fetch(`${running.httpUrl}/api/security`)).status).toBe(401);
    expect(
      (await fetch(`${running.httpUrl}/api/security`, { headers: viewer.headers })).status,
    ).toBe(403);
    expect((await fetch(`${running.httpUrl}/api/bans`, { headers: viewer.headers })).status).toBe(
      403,
    );
    const byOperator = await fetch(`${running.httpUrl}/api/bans/127.0.0.3`, {
      method: 'DELETE',
      headers: operator.headers,
    });
    expect(byOperator.status).toBe(403);
    expect(((await byOperator.json()) as { error: string }).error).toBe('SENSEGRID_FORBIDDEN');
  });

  it('lists bans at /api/bans and lifts one with DELETE /api/bans/:address', async () => {
    const operator = await signIn(running, 'operator');
    const admin = await signIn(running, 'admin');
    const listed = (await (
      await fetch(`${running.httpUrl}/api/bans`, { headers: operator.headers })
    ).json()) as { bans: { key: string; type: string; id: string }[] };
    expect(listed.bans).toMatchObject([
      { key: 'address:127.0.0.3', type: 'address', id: '127.0.0.3' },
    ]);
    const lift = () =>
      fetch(`${running.httpUrl}/api/bans/127.0.0.3`, { method: 'DELETE', headers: admin.headers });
    expect((await lift()).status).toBe(204);
    const again = await lift();
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: string }).error).toBe('SENSEGRID_NOT_FOUND');
    const right = { clientId: 'lock-1', username: 'lock-1', password: secret };
    expect(await connectFrom('127.0.0.3', right)).toBeInstanceOf(MqttClient);
  });
});
