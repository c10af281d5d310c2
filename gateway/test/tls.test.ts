import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CredentialStore } from '../src/guard/credentials.ts';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';
import { describeWithBinary } from './harness/binaries.ts';
import { createTestPki, type TestPki } from './harness/certificates.ts';

describeWithBinary('openssl', 'apt-get install -y openssl', 'MQTT over TLS', () => {
  let pki: TestPki;
  let running: RunningGateway;
  let tlsUrl: string;
  let secret: string;

  beforeAll(async () => {
    pki = await createTestPki();
    const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-tls-'));
    const credentials = new CredentialStore(join(dataDir, 'credentials.json'));
    secret = (await credentials.provision([{ id: 'tls-pass' }])).get('tls-pass')!;
    running = await startGateway({
      dataDir,
      allowAnonymous: false,
      tlsPort: 0,
      tlsCert: pki.serverCert,
      tlsKey: pki.serverKey,
      tlsCa: pki.ca,
    });
    tlsUrl = `mqtts://127.0.0.1:${running.gateway.ports.tlsPort}`;
  }, 60_000);
  afterAll(async () => {
    await running?.dispose();
    await rm(pki.dir, { recursive: true, force: true });
  });

  const caOption = async () => ({ ca: await readFile(pki.ca), rejectUnauthorized: true });

  it('accepts a device logging in with its secret over TLS and stores its reading', async () => {
    const client = await connectClient(tlsUrl, {
      ...(await caOption()),
      clientId: 'tls-pass',
      username: 'tls-pass',
      password: secret,
    });
    await publish(
      client,
      'devices/tls-pass/readings',
      JSON.stringify({ seq: 1, values: { pm25: 1 } }),
    );
    await client.endAsync();
    await expect.poll(() => running.gateway.wal.stats().pendingReadings).toBe(0);
    expect(await running.gateway.store.scan('tls-pass', 0, Date.now() + 1000)).toHaveLength(1);
  });

  it('logs in a device by a client certificate whose CN is its id, without a password', async () => {
    const { cert, key } = await pki.clientCert('tls-cert');
    const client = await connectClient(tlsUrl, {
      ...(await caOption()),
      cert: await readFile(cert),
      key: await readFile(key),
      clientId: 'tls-cert',
    });
    await publish(
      client,
      'devices/tls-cert/readings',
      JSON.stringify({ seq: 1, values: { pm25: 2 } }),
    );
    await client.endAsync();
  });

  it('refuses a certificate used with another client id, and a client with neither', async () => {
    const { cert, key } = await pki.clientCert('tls-other');
    const code = (options: mqtt.IClientOptions) =>
      new Promise<number>((resolve) => {
        const client = mqtt.connect(tlsUrl, { reconnectPeriod: 0, ...options });
        client.once('connect', () => resolve(0));
        client.once('error', (error) => resolve((error as { code?: number }).code ?? -1));
      });
    const ca = await caOption();
    expect(
      await code({
        ...ca,
        cert: await readFile(cert),
        key: await readFile(key),
        clientId: 'tls-pass',
      }),
    ).toBe(2);
    expect(await code({ ...ca, clientId: 'tls-pass' })).toBe(5);
  });
});
