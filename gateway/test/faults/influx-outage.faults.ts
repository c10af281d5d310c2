import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Fleet } from '@sensegrid/firmware-sim';
import { describeWithBinary } from '../harness/binaries.ts';
import { startInfluxd, type Influxd } from '../harness/influxd.ts';
import { checkExactlyOnce, readInfluxSeqs } from './count-stored.ts';
import { figuresFrom } from './figures.ts';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts';
import {
  ackRate,
  ackSample,
  sleep,
  startLoad,
  waitCaughtUp,
  waitDrained,
  waitFor,
} from './scenario.ts';
import { reportFigures } from './summary.ts';

const OUTAGE_MS = 30_000;
const DATABASE = 'outage';

describeWithBinary('influxd', 'apt-get install -y influxdb', 'InfluxDB stopped under load', () => {
  let influxd: Influxd;
  let gateway: GatewayProcess;
  let fleet: Fleet | undefined;

  beforeAll(async () => {
    influxd = await startInfluxd();
    gateway = await startGatewayProcess({
      store: `influx://127.0.0.1:${influxd.port}/${DATABASE}`,
    });
  });

  afterAll(async () => {
    await fleet?.stop();
    await gateway?.dispose();
    await influxd?.stop();
  });

  it('stores every acknowledged reading exactly once after a 30 s outage', async () => {
    fleet = await startLoad(gateway.mqttUrl, { devices: 50, intervalMs: 100 });
    await sleep(5_000);
    expect((await gateway.health()).status).toBe('ok');

    const beforeOutage = ackSample(fleet);
    await influxd.kill();
    const downAt = Date.now();
    // The log takes the readings while the store is away: devices keep being acknowledged.
    const degraded = await waitFor(
      'the gateway to report the store as down',
      async () => ((await gateway.health()).status === 'degraded' ? true : undefined),
      15_000,
    );
    expect(degraded).toBe(true);
    await sleep(OUTAGE_MS - (Date.now() - downAt));
    const duringOutage = ackSample(fleet);
    const { wal } = await gateway.health();
    expect(wal.pendingReadings).toBeGreaterThan(0);

    await influxd.restart();
    const upAt = Date.now();
    const recoveryMs = await waitCaughtUp(gateway, wal.lastLsn, upAt, 60_000);
    await sleep(3_000);
    await fleet.stop();
    await waitDrained(gateway, 60_000);
    expect(await gateway.stop()).toBe(0);

    const stats = fleet.stats();
    const report = checkExactlyOnce(fleet.acked(), await readInfluxSeqs(influxd.url, DATABASE));
    const ratePerSecond = ackRate(beforeOutage, duringOutage);
    reportFigures(
      figuresFrom(
        {
          scenario: '1 InfluxDB stopped 30 s',
          store: 'influx',
          sent: stats.sent,
          recoveryMs,
          peakRssBytes: gateway.peakRssBytes(),
          notes: `${wal.pendingReadings} readings waited in the WAL; acks during outage ${Math.round(ratePerSecond)}/s`,
        },
        report,
      ),
    );
    expect(report.examples).toEqual({ missing: [], duplicated: [] });
    expect(report.acked).toBeGreaterThan(10_000);
    expect(recoveryMs).toBeLessThan(60_000);
    // 50 devices every 100 ms offer 500 readings/s; the outage must not hold them back.
    expect(ratePerSecond).toBeGreaterThan(400);
  });
});
