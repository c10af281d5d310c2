import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fleet } from '@sensegrid/firmware-sim';
import { connectClient, publish } from '../gateway-harness.ts';
import { describeWithInfluxd } from '../harness/influxd.ts';
import {
  checkExactlyOnce,
  readInfluxSeqs,
  readSqliteSeqs,
  type StoredSeqs,
} from './count-stored.ts';
import { figuresFrom } from './figures.ts';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts';
import { connectRawPublisher } from './raw-publisher.ts';
import { rewindWalCheckpoint, sleep, startLoad, waitDrained } from './scenario.ts';
import { reportFigures } from './summary.ts';

const RESENDING_DEVICE = 'retx-0001';
const CLOCKLESS_DEVICE = 'retx-0002';
const READINGS = 100;

type ReadStored = (gateway: GatewayProcess, devices: string[]) => Promise<StoredSeqs>;

let gateway: GatewayProcess | undefined;
let fleet: Fleet | undefined;

afterEach(async () => {
  await fleet?.stop();
  await gateway?.dispose();
  fleet = undefined;
  gateway = undefined;
});

/** Seqs 1..n as a device stamps them, one second apart, ten minutes ago. */
function deviceReadings(n: number, withTs = true) {
  const base = Date.now() - 600_000;
  return Array.from({ length: n }, (_, i) => ({
    ...(withTs ? { ts: base + i * 1000 } : {}),
    seq: i + 1,
    values: { pm25: 10 + i / 10 },
  }));
}

/**
 * Every way a device sends a reading again: the same publish twice, the whole buffer again as
 * one batch, and a QoS 1 retransmission with the same packet id and the DUP flag.
 */
async function resendEveryWay(running: GatewayProcess): Promise<number> {
  const topic = `devices/${RESENDING_DEVICE}/readings`;
  const readings = deviceReadings(READINGS);
  const client = await connectClient(running.mqttUrl, { clientId: RESENDING_DEVICE });
  for (let pass = 0; pass < 2; pass++) {
    await Promise.all(readings.map((reading) => publish(client, topic, JSON.stringify(reading))));
  }
  await publish(client, topic, JSON.stringify(readings));
  await client.endAsync();

  const raw = await connectRawPublisher(running.mqttPort, RESENDING_DEVICE);
  readings.forEach((reading, i) => {
    raw.publish(topic, JSON.stringify(reading), i + 1);
    raw.publish(topic, JSON.stringify(reading), i + 1, true);
  });
  await raw.acked(2 * READINGS);
  await raw.close();
  return 5 * READINGS;
}

async function duplicatesAndReplay(
  store: 'influx' | 'sqlite',
  storeSpec: string | undefined,
  readStored: ReadStored,
) {
  gateway = await startGatewayProcess(storeSpec ? { store: storeSpec } : {});
  const running = gateway;
  fleet = await startLoad(running.mqttUrl, { devices: 20, intervalMs: 100, seed: 11 });
  await sleep(4_000);
  await fleet.stop();
  const resent = await resendEveryWay(running);
  await waitDrained(running, 60_000);

  const acked = fleet.acked();
  acked.set(
    RESENDING_DEVICE,
    Array.from({ length: READINGS }, (_, i) => i + 1),
  );
  const devices = [...acked.keys()];
  expect(await running.stop()).toBe(0);
  const first = checkExactlyOnce(acked, await readStored(running, devices));

  // Replay the whole log: a clean stop leaves the (single, large) segment on disk.
  const segments = await rewindWalCheckpoint(running.dataDir);
  const logsBefore = running.logs().length;
  await running.restart();
  const replayStartedAt = Date.now();
  const replay = running
    .logs()
    .slice(logsBefore)
    .find((line) => String(line.msg).startsWith('replaying'));
  await waitDrained(running, 60_000);
  const replayMs = Date.now() - replayStartedAt;
  expect(await running.stop()).toBe(0);
  const second = checkExactlyOnce(acked, await readStored(running, devices));

  const replayed = Number(replay?.readings ?? 0);
  reportFigures(
    figuresFrom(
      {
        scenario: '5 duplicates + WAL replay',
        store,
        sent: fleet.stats().sent + resent,
        recoveryMs: replayMs,
        peakRssBytes: running.peakRssBytes(),
        notes:
          `${resent} publishes of ${READINGS} readings (x2, batch, DUP x2); replayed ` +
          `${replayed} readings from ${segments.length} segment(s): points ${first.stored} -> ` +
          `${second.stored}`,
      },
      second,
    ),
  );
  expect(first.examples).toEqual({ missing: [], duplicated: [] });
  expect(second.examples).toEqual({ missing: [], duplicated: [] });
  expect(second.stored).toBe(first.stored);
  expect(replayed).toBeGreaterThanOrEqual(first.acked + 4 * READINGS);
}

/**
 * A device without a clock sends readings without `ts`, then sends them again (as after a lost
 * PUBACK), optionally across a crash of the gateway.
 */
async function clocklessResend(
  storeSpec: string | undefined,
  readStored: ReadStored,
  crashBetween = false,
) {
  gateway = await startGatewayProcess(storeSpec ? { store: storeSpec } : {});
  const running = gateway;
  const topic = `devices/${CLOCKLESS_DEVICE}/readings`;
  const readings = deviceReadings(20, false);
  const sendAll = async () => {
    const client = await connectClient(running.mqttUrl, { clientId: CLOCKLESS_DEVICE });
    for (const reading of readings) await publish(client, topic, JSON.stringify(reading));
    await client.endAsync();
  };
  await sendAll();
  if (crashBetween) {
    await waitDrained(running, 60_000);
    await running.restart();
  } else await sleep(50);
  await sendAll();
  await waitDrained(running, 60_000);
  expect(await running.stop()).toBe(0);
  const acked = new Map([[CLOCKLESS_DEVICE, readings.map((reading) => reading.seq)]]);
  const report = checkExactlyOnce(acked, await readStored(running, [CLOCKLESS_DEVICE]));
  expect(report.examples).toEqual({ missing: [], duplicated: [] });
}

describeWithInfluxd('duplicates and a WAL replay (InfluxDB)', (influxd) => {
  it('stores resent readings and a replayed log once: the point count does not change', async () => {
    await duplicatesAndReplay('influx', `influx://127.0.0.1:${influxd().port}/dups`, () =>
      readInfluxSeqs(influxd().url, 'dups'),
    );
  });

  it('stores a reading without a timestamp once when the device sends it again', async () => {
    await clocklessResend(`influx://127.0.0.1:${influxd().port}/clockless`, () =>
      readInfluxSeqs(influxd().url, 'clockless'),
    );
  });

  it('stores a reading without a timestamp once when it is sent again after a gateway crash', async () => {
    await clocklessResend(
      `influx://127.0.0.1:${influxd().port}/clockless2`,
      () => readInfluxSeqs(influxd().url, 'clockless2'),
      true,
    );
  });
});

describe('duplicates and a WAL replay (SQLite)', () => {
  const readSqlite: ReadStored = (running, devices) =>
    readSqliteSeqs(join(running.dataDir, 'sensegrid.db'), devices);

  it('stores resent readings and a replayed log once: the point count does not change', async () => {
    await duplicatesAndReplay('sqlite', undefined, readSqlite);
  });

  it('stores a reading without a timestamp once when the device sends it again', async () => {
    await clocklessResend(undefined, readSqlite);
  });

  it('stores a reading without a timestamp once when it is sent again after a gateway crash', async () => {
    await clocklessResend(undefined, readSqlite, true);
  });
});
