import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fleet } from '@sensegrid/firmware-sim';
import { describeWithInfluxd } from '../harness/influxd.ts';
import {
  checkExactlyOnce,
  readInfluxSeqs,
  readSqliteSeqs,
  type StoredSeqs,
} from './count-stored.ts';
import { figuresFrom } from './figures.ts';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts';
import { ackSample, sleep, startLoad, waitCaughtUp, waitDrained, waitFor } from './scenario.ts';
import { reportFigures } from './summary.ts';

const CRASHES = 2;
const LOAD_BETWEEN_CRASHES_MS = 6_000;
const BACKLOG_MS = 5_000;

let gateway: GatewayProcess | undefined;
let fleet: Fleet | undefined;

afterEach(async () => {
  await fleet?.stop();
  await gateway?.dispose();
  fleet = undefined;
  gateway = undefined;
});

/**
 * A fleet publishes while the gateway is killed with SIGKILL and started again on the same
 * ports and data folder, twice. Devices reconnect and resend what was not acknowledged.
 */
async function crashTwiceUnderLoad(options: {
  store: 'influx' | 'sqlite';
  storeSpec?: string;
  readStored: (gateway: GatewayProcess, devices: string[]) => Promise<StoredSeqs>;
  /** Takes the store away, so that the log holds a backlog when the gateway is killed. */
  storeOutage?: { begin(): Promise<void>; end(): Promise<void> };
}): Promise<void> {
  const { store, storeSpec, readStored } = options;
  gateway = await startGatewayProcess(storeSpec ? { store: storeSpec } : {});
  const running = gateway;
  fleet = await startLoad(running.mqttUrl, { devices: 50, intervalMs: 100 });
  const load = fleet;
  const recoveries: number[] = [];
  const replayed: number[] = [];
  for (let crash = 1; crash <= CRASHES; crash++) {
    await sleep(LOAD_BETWEEN_CRASHES_MS);
    // The second crash comes with a backlog in the log: InfluxDB is stopped a few seconds
    // before the kill and started again only after the gateway, which must start without it.
    const outage = crash === 2 ? options.storeOutage : undefined;
    if (outage) {
      await outage.begin();
      await sleep(BACKLOG_MS);
    }
    const logsBefore = running.logs().length;
    await running.crash();
    const crashedAt = Date.now();
    const ackedAtCrash = load.stats().acked;
    await running.restart();
    await outage?.end();
    const { wal } = await running.health();
    const replay = running
      .logs()
      .slice(logsBefore)
      .find((line) => typeof line.msg === 'string' && line.msg.startsWith('replaying'));
    replayed.push(Number(replay?.readings ?? 0));
    // Recovered: what the log held at restart is stored, and devices are acknowledged again.
    await waitCaughtUp(running, wal.lastLsn, crashedAt, 60_000);
    await waitFor(
      'devices to be acknowledged again',
      () => (load.stats().acked > ackedAtCrash + 500 ? true : undefined),
      30_000,
    );
    recoveries.push(Date.now() - crashedAt);
  }
  await sleep(3_000);
  const beforeStop = ackSample(load);
  await load.stop();
  await waitDrained(running, 60_000);
  expect(await running.stop()).toBe(0);

  const acked = load.acked();
  const report = checkExactlyOnce(acked, await readStored(running, [...acked.keys()]));
  reportFigures(
    figuresFrom(
      {
        scenario: '2 gateway SIGKILL x2',
        store,
        sent: load.stats().sent,
        recoveryMs: Math.max(...recoveries),
        peakRssBytes: running.peakRssBytes(),
        notes: `replayed ${replayed.join(' + ')} readings from the WAL; crash to recovered ${recoveries
          .map((ms) => `${(ms / 1000).toFixed(1)} s`)
          .join(', ')}`,
      },
      report,
    ),
  );
  expect(report.examples).toEqual({ missing: [], duplicated: [] });
  expect(report.missing).toBe(0);
  expect(report.duplicates).toBe(0);
  expect(beforeStop.acked).toBeGreaterThan(5_000);
  expect(Math.max(...recoveries)).toBeLessThan(60_000);
}

describeWithInfluxd('the gateway crashing (InfluxDB)', (influxd) => {
  it('stores every acknowledged reading exactly once through two SIGKILLs, one during an InfluxDB outage', async () => {
    await crashTwiceUnderLoad({
      store: 'influx',
      storeSpec: `influx://127.0.0.1:${influxd().port}/crash`,
      readStored: () => readInfluxSeqs(influxd().url, 'crash'),
      storeOutage: { begin: () => influxd().kill(), end: () => influxd().restart() },
    });
  });
});

describe('the gateway crashing (SQLite)', () => {
  it('stores every acknowledged reading exactly once through two SIGKILLs', async () => {
    await crashTwiceUnderLoad({
      store: 'sqlite',
      readStored: (running, devices) =>
        readSqliteSeqs(join(running.dataDir, 'sensegrid.db'), devices),
    });
  });
});
