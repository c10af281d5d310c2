import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { scenarioSteps, type PreparedScenario } from '@sensegrid/firmware-sim';
import type { Signal } from '../src/alerts/signal.ts';
import { parseConfig } from '../src/config.ts';
import { buildGateway } from '../src/gateway.ts';

export interface ScenarioRun {
  signals: Signal[];
  /** Device -> `system\0region` keys where the gateway placed it. */
  regions: Map<string, string[]>;
  readings: number;
  wallMs: number;
}

const CLIENTS = 8;

/**
 * Runs a scenario through a real gateway (SQLite store in a temporary folder): devices announce
 * themselves, then every reporting interval's readings are published over MQTT (QoS 1, each
 * interval acknowledged before the next, so detection sees scenario time in order). Collects
 * every signal the gateway raises.
 */
export async function runScenario(prepared: PreparedScenario): Promise<ScenarioRun> {
  const began = performance.now();
  const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-eval-'));
  const config = parseConfig({
    mqttPort: 0,
    httpPort: 0,
    allowAnonymous: true,
    logLevel: 'silent',
    sessions: 'memory',
    deviceMessagesPerSec: 0,
    deviceBytesPerSec: 0,
    dataDir,
  });
  const gateway = buildGateway(config);
  const signals: Signal[] = [];
  gateway.signals.onSignal((signal) => signals.push(signal));
  const clients: MqttClient[] = [];
  let readings = 0;
  try {
    const { mqttPort } = await gateway.start();
    for (let i = 0; i < CLIENTS; i++) {
      clients.push(
        await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
          clientId: `eval-${i}`,
          reconnectPeriod: 0,
        }),
      );
    }
    await Promise.all(
      prepared.devices.map((d, i) =>
        clients[i % CLIENTS]!.publishAsync(
          `devices/${d.id}/meta`,
          JSON.stringify({ kind: d.kind, lat: d.lat, lon: d.lon }),
          { qos: 1, retain: true },
        ),
      ),
    );
    for (const step of scenarioSteps(prepared)) {
      await Promise.all(
        step.readings.map((r, i) =>
          clients[i % CLIENTS]!.publishAsync(
            `devices/${r.device}/readings`,
            JSON.stringify({ ts: r.ts, values: r.values }),
            { qos: 1 },
          ),
        ),
      );
      readings += step.readings.length;
      // The gateway checks for silent series on a timer; here scenario time runs fast, so the
      // check runs once per reporting interval instead (it takes its time from the readings).
      gateway.findings.checkSilence();
    }
    const regions = new Map<string, string[]>();
    const sensors = gateway.twin.state.sensors;
    for (const d of prepared.devices) {
      const index = sensors.indexOf(d.id);
      const placement = index === undefined ? undefined : sensors.sensors[index]!.placement;
      if (!placement) continue;
      const keys = Object.entries(placement.systems).map(([system, id]) => `${system}\u0000${id}`);
      if (placement.district) keys.push(`district\u0000${placement.district}`);
      regions.set(d.id, keys);
    }
    return { signals, regions, readings, wallMs: performance.now() - began };
  } finally {
    await Promise.all(clients.map((c) => c.endAsync()));
    await gateway.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
