import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './gateway-harness.ts';
import { describeWithBinary } from './harness/binaries.ts';

const run = promisify(execFile);
let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.dispose();
  running = undefined;
});

describeWithBinary(
  'mosquitto_pub',
  'apt-get install -y mosquitto-clients',
  'Debian mosquitto_pub',
  (bin) => {
    it('publishes a SenML pack that is stored with its resolved names and times', async () => {
      running = await startGateway();
      const port = new URL(running.mqttUrl).port;
      const bt = 1_764_400_000;
      const pack = [
        { bn: 'urn:dev:mac:0024befffe804ff1:', bt, bu: 'ug/m3', n: 'pm25', v: 12.5 },
        { n: 'no2', v: 31, u: 'ug/m3' },
        { n: 'pm25', v: 13, t: 60 },
      ];
      await run(bin, [
        '-h',
        '127.0.0.1',
        '-p',
        port,
        '-q',
        '1',
        '-i',
        'air-0042',
        '-t',
        'devices/air-0042/readings',
        '-m',
        JSON.stringify(pack),
      ]);
      await running.gateway.close();

      const stored = await running.gateway.store.scan(
        'air-0042',
        bt * 1000 - 1,
        bt * 1000 + 61_000,
      );
      expect(stored).toMatchObject([
        { device: 'air-0042', ts: bt * 1000, values: { pm25: 12.5, no2: 31 } },
        { device: 'air-0042', ts: bt * 1000 + 60_000, values: { pm25: 13 } },
      ]);
    });
  },
);
