import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { parseConfig, type ConfigInput } from '../src/config.ts';
import { buildGateway, type Gateway, type GatewayDeps } from '../src/gateway.ts';

export interface RunningGateway {
  gateway: Gateway;
  dataDir: string;
  mqttUrl: string;
  httpUrl: string;
  /** Closes the gateway (if still open) and removes its data folder. */
  dispose(): Promise<void>;
}

/** Starts a real gateway on free ports with a temporary data folder. */
export async function startGateway(
  settings: Partial<ConfigInput> = {},
  deps: GatewayDeps = {},
): Promise<RunningGateway> {
  const dataDir = settings.dataDir ?? (await mkdtemp(join(tmpdir(), 'sensegrid-gw-')));
  const config = parseConfig({
    mqttPort: 0,
    httpPort: 0,
    allowAnonymous: true,
    // Like `demo`: viewer access without signing in; auth tests turn it off.
    openConsole: true,
    logLevel: 'silent',
    ...settings,
    dataDir,
  });
  const gateway = buildGateway(config, deps);
  const { mqttPort, httpPort } = await gateway.start();
  return {
    gateway,
    dataDir,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    async dispose() {
      await gateway.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A connected mqtt.js client; rejects if the broker refuses the connection. */
export function connectClient(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

export function publish(
  client: MqttClient,
  topic: string,
  payload: string | Buffer,
  options: mqtt.IClientPublishOptions = { qos: 1 },
): Promise<void> {
  return new Promise((resolve, reject) =>
    client.publish(topic, payload, options, (error) => (error ? reject(error) : resolve())),
  );
}
