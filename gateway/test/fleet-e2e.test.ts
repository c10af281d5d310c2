import { describe, expect, it } from 'vitest';
import { startFleet } from '@sensegrid/firmware-sim';
import { createInfluxStore } from '../src/store/influx.ts';
import type { ReadingStore } from '../src/store/port.ts';
import { startGateway } from './gateway-harness.ts';
import { describeWithInfluxd } from './harness/influxd.ts';

const DEVICES = 40;
const INTERVAL_MS = 100;
const RUN_MS = 3000;

/**
 * A simulated fleet publishes at QoS 1 for a few seconds, the gateway shuts down cleanly, and
 * every acknowledged (device, seq) must be in the store exactly once.
 */
async function runFleetAgainst(makeStore: (() => ReadingStore) | undefined) {
  const running = await startGateway({}, makeStore ? { store: makeStore() } : {});
  try {
    const startTime = Date.now() - 60_000;
    const fleet = await startFleet({
      url: running.mqttUrl,
      devices: DEVICES,
      intervalMs: INTERVAL_MS,
      qos: 1,
      seed: 5,
      startTime,
      gapRate: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    await fleet.stop();
    const { drained } = await running.gateway.close();
    expect(drained).toBe(true);

    const acked = fleet.acked();
    const store = running.gateway.store;
    await store.init();
    let total = 0;
    for (const [device, seqs] of acked) {
      const stored = await store.scan(device, 0, Date.now() + 86_400_000);
      const storedSeqs = stored.map((reading) => reading.seq);
      const counts = new Map<number | undefined, number>();
      for (const seq of storedSeqs) counts.set(seq, (counts.get(seq) ?? 0) + 1);
      for (const seq of seqs) expect(counts.get(seq), `${device} seq ${seq}`).toBe(1);
      expect(new Set(storedSeqs).size, `${device} has no duplicates`).toBe(storedSeqs.length);
      total += seqs.length;
    }
    expect(acked.size).toBe(DEVICES);
    expect(total).toBeGreaterThan(DEVICES * 10);
    await store.close();
    return total;
  } finally {
    await running.dispose();
  }
}

describe('a simulated fleet into the SQLite store', () => {
  it('stores every acknowledged (device, seq) exactly once', async () => {
    await runFleetAgainst(undefined);
  });
});

describeWithInfluxd('a simulated fleet into InfluxDB', (influxd) => {
  it('stores every acknowledged (device, seq) exactly once', async () => {
    await runFleetAgainst(() => createInfluxStore({ url: influxd().url, database: 'fleet' }));
  });
});
