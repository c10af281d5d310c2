import { afterEach, describe, expect, it } from 'vitest';
import { DAY_POINTS, START_MS, STEP_MS, seasonalSeries } from '../src/detect/test-series.ts';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.dispose();
  running = undefined;
});

describe('live detection in the gateway', () => {
  it('finds a spike in readings published over MQTT and serves it at /api/findings', async () => {
    running = await startGateway();
    const client = await connectClient(running.mqttUrl, { clientId: 'air-0777' });
    const values = seasonalSeries(10 * DAY_POINTS, 1);
    values[2500]! += 15;
    const readings = values.map((value, i) => ({
      ts: START_MS + i * STEP_MS,
      seq: i + 1,
      values: { pm25: value },
    }));
    for (let i = 0; i < readings.length; i += 500) {
      await publish(
        client,
        'devices/air-0777/readings',
        JSON.stringify(readings.slice(i, i + 500)),
      );
    }
    await client.endAsync();

    const body = (await (
      await fetch(`${running.httpUrl}/api/findings?device=air-0777`)
    ).json()) as {
      findings: { kind: string; tsMs: number; metric: string; explanation: string }[];
    };
    expect(body.findings).toHaveLength(1);
    expect(body.findings[0]).toMatchObject({
      kind: 'spike',
      metric: 'pm25',
      tsMs: readings[2500]!.ts,
    });
    expect(body.findings[0]!.explanation).toMatch(/^pm25 .* robust sigmas above its usual level/);
    const metrics = await (await fetch(`${running.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/sensegrid_findings_total\{kind="spike"\} 1/);
  });
});
