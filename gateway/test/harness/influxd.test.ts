import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBinary } from './binaries.ts';
import { startInfluxd, type Influxd } from './influxd.ts';

async function influxQuery(url: string, q: string): Promise<unknown> {
  const response = await fetch(`${url}/query?epoch=ms`, {
    method: 'POST',
    body: new URLSearchParams({ q }),
  });
  return response.json();
}

describeWithBinary('influxd', 'apt-get install -y influxdb', 'the influxd test harness', () => {
  let influxd: Influxd;
  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  it('answers /ping on the ephemeral port it reports', async () => {
    const response = await fetch(`${influxd.url}/ping`);
    expect(response.status).toBe(204);
    expect(influxd.url).toBe(`http://127.0.0.1:${influxd.port}`);
    expect(influxd.rpcPort).not.toBe(influxd.port);
  });

  it('keeps its data and its port across a kill and a restart', async () => {
    await influxQuery(influxd.url, 'CREATE DATABASE "kept"');
    const write = await fetch(`${influxd.url}/write?db=kept&precision=ms`, {
      method: 'POST',
      body: 'readings,device=a pm25=1 1764400000000',
    });
    expect(write.status).toBe(204);
    const portBefore = influxd.port;

    await influxd.kill();
    expect(influxd.running).toBe(false);
    await expect(fetch(`${influxd.url}/ping`)).rejects.toThrow();
    await influxd.restart();

    expect(influxd.port).toBe(portBefore);
    const result = await influxQuery(influxd.url, 'SELECT count("pm25") FROM "kept".."readings"');
    expect(JSON.stringify(result)).toContain('[0,1]');
  });

  it('removes its folder when stopped', async () => {
    const other = await startInfluxd();
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
    expect(other.running).toBe(false);
  });
});
