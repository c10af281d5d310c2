import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Fleet } from '@sensegrid/firmware-sim';
import { describeWithBinary } from '../harness/binaries.ts';
import { startInfluxd, type Influxd } from '../harness/influxd.ts';
import { checkExactlyOnce, readInfluxSeqs } from './count-stored.ts';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from './fault-proxy.ts';
import { figuresFrom } from './figures.ts';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts';
import { ackRate, ackSample, sleep, startLoad, waitCaughtUp, waitDrained } from './scenario.ts';
import { reportFigures } from './summary.ts';

const DATABASE = 'slow';
/** 30 s in all: slow with every other write refused, then every write refused. */
const PHASES = [
  { forMs: 15_000, fault: { delayMs: 1_500, failShare: 0.5, retryAfterSeconds: 2 } },
  { forMs: 15_000, fault: { delayMs: 500, failShare: 1, retryAfterSeconds: 3 } },
];

/**
 * The wait of the gateway between a 503 to a write and its next write that fell shortest of
 * what the 503's Retry-After asked for, in ms.
 */
function shortestWaitAfter503(history: ProxiedRequest[]) {
  const writes = history.filter((request) => request.path === '/write');
  let shortest = { waitedMs: Infinity, askedMs: 0 };
  for (let i = 0; i + 1 < writes.length; i++) {
    const refused = writes[i]!;
    if (refused.retryAfterSeconds === undefined) continue;
    const waitedMs = writes[i + 1]!.at - refused.answeredAt;
    const askedMs = refused.retryAfterSeconds * 1000;
    if (waitedMs - askedMs < shortest.waitedMs - shortest.askedMs) shortest = { waitedMs, askedMs };
  }
  return shortest;
}

describeWithBinary(
  'influxd',
  'apt-get install -y influxdb',
  'InfluxDB slow and answering 503 under load',
  () => {
    let influxd: Influxd;
    let proxy: FaultProxy;
    let gateway: GatewayProcess;
    let fleet: Fleet | undefined;
    let shortest: { waitedMs: number; askedMs: number } | undefined;

    beforeAll(async () => {
      influxd = await startInfluxd();
      proxy = await startFaultProxy(influxd.url);
      gateway = await startGatewayProcess({
        store: `influx://${new URL(proxy.url).host}/${DATABASE}`,
      });
    });

    afterAll(async () => {
      await fleet?.stop();
      await gateway?.dispose();
      await proxy?.close();
      await influxd?.stop();
    });

    it('stores every acknowledged reading exactly once', async () => {
      fleet = await startLoad(gateway.mqttUrl, { devices: 50, intervalMs: 100 });
      await sleep(5_000);
      const faultStart = ackSample(fleet);
      for (const phase of PHASES) {
        proxy.inject(phase.fault);
        await sleep(phase.forMs);
      }
      proxy.clear();
      const faultEnd = ackSample(fleet);
      const { wal } = await gateway.health();
      const recoveryMs = await waitCaughtUp(gateway, wal.lastLsn, faultEnd.at, 60_000);
      await sleep(3_000);
      await fleet.stop();
      await waitDrained(gateway, 60_000);
      expect(await gateway.stop()).toBe(0);

      shortest = shortestWaitAfter503(proxy.history());
      const { refused, delayed } = proxy.stats();
      const report = checkExactlyOnce(fleet.acked(), await readInfluxSeqs(influxd.url, DATABASE));
      const rate = ackRate(faultStart, faultEnd);
      reportFigures(
        figuresFrom(
          {
            scenario: '3 InfluxDB slow + 503 30 s',
            store: 'influx',
            sent: fleet.stats().sent,
            recoveryMs,
            peakRssBytes: gateway.peakRssBytes(),
            notes:
              `${refused} requests refused, ${delayed} delayed; ${wal.pendingReadings} readings ` +
              `waited; acks ${Math.round(rate)}/s; shortest wait after a 503 ` +
              `${shortest.waitedMs} ms (asked ${shortest.askedMs})`,
          },
          report,
        ),
      );
      expect(report.examples).toEqual({ missing: [], duplicated: [] });
      expect(refused).toBeGreaterThan(3);
      expect(recoveryMs).toBeLessThan(60_000);
      expect(rate).toBeGreaterThan(400);
    });

    it('waits as long as Retry-After asks before writing again after a 503', () => {
      if (!shortest) throw new Error('the scenario did not run to the end (see the test before)');
      // Timers may fire a little early; 50 ms of slack.
      expect(shortest.waitedMs).toBeGreaterThanOrEqual(shortest.askedMs - 50);
    });
  },
);
