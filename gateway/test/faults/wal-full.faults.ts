import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fleet } from '@sensegrid/firmware-sim';
import { describeWithInfluxd } from '../harness/influxd.ts';
import { checkExactlyOnce, readInfluxSeqs, readSqliteSeqs } from './count-stored.ts';
import { figuresFrom } from './figures.ts';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts';
import {
  ackRate,
  ackSample,
  rewindWalCheckpoint,
  sleep,
  startLoad,
  waitCaughtUp,
  waitDrained,
  waitFor,
} from './scenario.ts';
import { reportFigures } from './summary.ts';

const WAL_MAX_BYTES = 2 * 1024 * 1024;
const WAL_SEGMENT_BYTES = 128 * 1024;
const SMALL_WAL = [
  '--wal-max-bytes',
  String(WAL_MAX_BYTES),
  '--wal-segment-bytes',
  String(WAL_SEGMENT_BYTES),
];
const HOLD_MS = 8_000;
const DEVICES = 50;
const INTERVAL_MS = 50;
const OFFERED_PER_SECOND = (DEVICES * 1000) / INTERVAL_MS;

let gateway: GatewayProcess | undefined;
let fleet: Fleet | undefined;

afterEach(async () => {
  await fleet?.stop();
  await gateway?.dispose();
  fleet = undefined;
  gateway = undefined;
});

describeWithInfluxd('a full write-ahead log while InfluxDB is down', (influxd) => {
  it('holds publishers back, drops nothing acknowledged, and flows again once InfluxDB returns', async () => {
    gateway = await startGatewayProcess({
      store: `influx://127.0.0.1:${influxd().port}/walfull`,
      args: SMALL_WAL,
    });
    const running = gateway;
    fleet = await startLoad(running.mqttUrl, { devices: DEVICES, intervalMs: INTERVAL_MS });
    const load = fleet;
    await sleep(3_000);
    await influxd().kill();
    const downAt = Date.now();

    const full = await waitFor(
      'the write-ahead log to fill up',
      async () => {
        const health = await running.health();
        return health.wal.full ? health : undefined;
      },
      60_000,
    );
    const fillMs = Date.now() - downAt;
    // Publishes that were already being written settle; after that nothing is acknowledged.
    await sleep(1_000);
    running.resetPeakRss();
    const holdStart = ackSample(load);
    await sleep(HOLD_MS);
    const holdEnd = ackSample(load);
    const held = await running.health();
    const heldRate = ackRate(holdStart, holdEnd);
    const peakWhileFull = running.peakRssBytes();
    const fullGauge = await running.metric('sensegrid_wal_full');
    const alerts = running
      .logs()
      .filter((line) => (line.level ?? 0) >= 50 && /write-ahead log/i.test(String(line.msg)));

    await influxd().restart();
    const upAt = Date.now();
    await waitFor(
      'acknowledgements to resume',
      () => (load.stats().acked > holdEnd.acked + OFFERED_PER_SECOND ? true : undefined),
      60_000,
    );
    const resumedMs = Date.now() - upAt;
    const recoveryMs = await waitCaughtUp(running, held.wal.lastLsn, upAt, 60_000);
    await sleep(3_000);
    const fullGaugeAfter = await running.metric('sensegrid_wal_full');
    await load.stop();
    await waitDrained(running, 60_000);
    expect(await running.stop()).toBe(0);

    const stats = load.stats();
    const report = checkExactlyOnce(load.acked(), await readInfluxSeqs(influxd().url, 'walfull'));
    reportFigures(
      figuresFrom(
        {
          scenario: '4 WAL full, InfluxDB down',
          store: 'influx',
          sent: stats.sent,
          recoveryMs,
          peakRssBytes: running.peakRssBytes(),
          notes:
            `full after ${(fillMs / 1000).toFixed(1)} s (${held.wal.bytes} B, ` +
            `${held.wal.waitingAppends} publishes waiting); acks while full ` +
            `${heldRate.toFixed(1)}/s; ${alerts.length} error log line(s) and ` +
            `sensegrid_wal_full ${fullGauge} while full; acks resumed ${(resumedMs / 1000).toFixed(1)} s after ` +
            `InfluxDB; RSS while full ${Math.round(peakWhileFull / 2 ** 20)} MiB; ` +
            `device buffers dropped ${stats.dropped} unacked`,
        },
        report,
      ),
    );
    expect(report.examples).toEqual({ missing: [], duplicated: [] });
    // Back-pressure: while full, (almost) nothing is acknowledged.
    expect(heldRate).toBeLessThan(OFFERED_PER_SECOND * 0.02);
    expect(held.wal.full).toBe(true);
    expect(held.wal.waitingAppends).toBeGreaterThan(0);
    expect(held.status).toBe('degraded');
    // The alert: an error in the log and a gauge for Prometheus, cleared once it flows again.
    expect(alerts.length).toBeGreaterThan(0);
    expect(fullGauge).toBe(1);
    expect(fullGaugeAfter).toBe(0);
    // The limit holds, give or take the group commit that crossed it.
    expect(full.wal.bytes).toBeLessThan(WAL_MAX_BYTES + 256 * 1024);
    expect(held.wal.bytes).toBeLessThan(WAL_MAX_BYTES + 256 * 1024);
    expect(recoveryMs).toBeLessThan(60_000);
  });
});

describe('a small write-ahead log with the SQLite store', () => {
  it('keeps every acknowledged reading through SIGKILL and a replay of what is left in the log', async () => {
    gateway = await startGatewayProcess({ args: SMALL_WAL });
    const running = gateway;
    fleet = await startLoad(running.mqttUrl, { devices: DEVICES, intervalMs: INTERVAL_MS });
    const load = fleet;
    await sleep(5_000);
    await running.crash();
    const crashedAt = Date.now();
    const ackedAtCrash = load.stats().acked;
    await running.restart();
    const { wal } = await running.health();
    await waitCaughtUp(running, wal.lastLsn, crashedAt, 60_000);
    await waitFor(
      'devices to be acknowledged again',
      () => (load.stats().acked > ackedAtCrash + OFFERED_PER_SECOND ? true : undefined),
      30_000,
    );
    const recoveryMs = Date.now() - crashedAt;
    await sleep(4_000);
    await load.stop();
    await waitDrained(running, 60_000);
    expect(await running.stop()).toBe(0);

    const acked = load.acked();
    const file = join(running.dataDir, 'sensegrid.db');
    const first = checkExactlyOnce(acked, await readSqliteSeqs(file, acked.keys()));

    const segments = await rewindWalCheckpoint(running.dataDir);
    // The log lines of this start only: the restart after the SIGKILL logged a replay too.
    const earlier = new Set(running.logs());
    await running.restart();
    const replayed = running
      .logs()
      .filter((line) => !earlier.has(line))
      .findLast((line) => String(line.msg).startsWith('replaying'));
    await waitDrained(running, 60_000);
    expect(await running.stop()).toBe(0);
    const second = checkExactlyOnce(acked, await readSqliteSeqs(file, acked.keys()));

    reportFigures(
      figuresFrom(
        {
          scenario: '4/7 small WAL, SIGKILL + replay',
          store: 'sqlite',
          sent: load.stats().sent,
          recoveryMs,
          peakRssBytes: running.peakRssBytes(),
          notes:
            `replay of ${segments.length} segment(s), ${Number(replayed?.readings ?? 0)} ` +
            `readings: stored ${first.stored} -> ${second.stored}`,
        },
        second,
      ),
    );
    expect(first.examples).toEqual({ missing: [], duplicated: [] });
    expect(second.examples).toEqual({ missing: [], duplicated: [] });
    expect(second.stored).toBe(first.stored);
    // A clean stop can fall just after a new segment was started: then nothing is left to replay.
    const leftBytes = segments.reduce((sum, segment) => sum + segment.bytes, 0);
    expect(Number(replayed?.readings ?? 0) > 0).toBe(leftBytes > 0);
  });
});
