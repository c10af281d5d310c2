import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

const LIMIT = 50; // messages per second per device

let running: RunningGateway;
beforeAll(async () => {
  running = await startGateway({ deviceMessagesPerSec: LIMIT });
});
afterAll(async () => {
  await running.dispose();
});

describe('a device flooding at 20 times its rate', () => {
  it('is slowed to its rate, loses nothing, and does not slow a well-behaved device', async () => {
    const flooder = await connectClient(running.mqttUrl, { clientId: 'noisy-0001' });
    const polite = await connectClient(running.mqttUrl, { clientId: 'calm-0001' });
    const floodSeconds = 3;
    const floodTotal = LIMIT * 20 * floodSeconds;
    let floodAcked = 0;
    const started = performance.now();
    const flood = Promise.all(
      Array.from({ length: floodTotal }, (_, i) =>
        publish(
          flooder,
          'devices/noisy-0001/readings',
          JSON.stringify({ seq: i + 1, values: { x: i } }),
        ).then(() => floodAcked++),
      ),
    );
    const politeLatencies: number[] = [];
    for (let seq = 1; seq <= 20; seq++) {
      const sent = performance.now();
      await publish(
        polite,
        'devices/calm-0001/readings',
        JSON.stringify({ seq, values: { x: seq } }),
      );
      politeLatencies.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const afterPolite = (performance.now() - started) / 1000;
    // By now the flooder has been held to its burst plus its rate.
    expect(floodAcked).toBeLessThan(LIMIT * (2 + afterPolite) * 1.3);
    // Behind the flooder it would wait seconds (3,000 messages at 50/s); on its own, a moment.
    expect(Math.max(...politeLatencies)).toBeLessThan(1000);
    flooder.end(true); // the rest of the flood is abandoned, unacknowledged
    await flood.catch(() => undefined);
    await polite.endAsync();

    await expect
      .poll(() => running.gateway.wal.stats().pendingReadings, { timeout: 10_000 })
      .toBe(0);
    const calm = await running.gateway.store.scan('calm-0001', 0, Date.now() + 60_000);
    expect(calm.map((reading) => reading.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const noisy = await running.gateway.store.scan('noisy-0001', 0, Date.now() + 60_000);
    expect(noisy.length).toBeGreaterThanOrEqual(floodAcked);
    const metrics = await (await fetch(`${running.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/sensegrid_publishes_throttled_total [1-9]/);
  }, 60_000);
});
