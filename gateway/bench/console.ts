import { cpus, loadavg } from 'node:os';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { createDemoCity, type CityModel } from '@sensegrid/twin';
import { startChild } from './child.ts';
import { findBinary } from '../test/harness/binaries.ts';
import { ensureConsoleBuilt, launchChromium, openConsole } from '../test/harness/console.ts';

// npm run bench:console — the console in Chromium (SwiftShader WebGL) against a real gateway:
//  1. draw calls with 20,000 buildings and 10,000 sensors, next to a 200-building city;
//  2. JS time to apply one frame of 10,000 changed sensors (decode + instance colours), next to
//     the same updates sent as JSON objects;
//  3. the time one render of the whole city takes (waited for with a 1-pixel readPixels);
//  4. publish-to-screen latency at 5,000 readings/s, next to the raw MQTT publish-to-subscriber
//     latency of the same readings (a Node subscriber over WebSocket) in the same run. A sensor
//     update counts as on screen at the first animation frame after the render that drew it
//     (that frame starts once the drawn one was presented); its age is then measured from the
//     reading's timestamp, set by the publisher just before it publishes.
const BUILDINGS = Number(process.env.BENCH_BUILDINGS ?? 20_000);
const SENSORS = Number(process.env.BENCH_SENSORS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 5_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REPS = Number(process.env.BENCH_REPS ?? 40);
const PUBLISHERS = 4;
/** The browser window, e.g. 1440x900 (the default). */
const [WIDTH, HEIGHT] = (process.env.BENCH_VIEWPORT ?? '1440x900').split('x').map(Number) as [
  number,
  number,
];

interface Hooks {
  drawCalls(): number;
  latencies(from: number): number[];
  recordApplied(): void;
  applied(from: number): number[];
  runtime: { latencyCount: number; live: { appliedCount: number } };
  timeFrameApply(changed: number, reps: number): { binary: number[]; json: number[] };
  timeRender(reps: number): number[];
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;

/** The gateway with a demo city of that size, in a child process. */
async function startGateway(buildings: number, sensors: number) {
  const child = await startChild(['bin/run-ts.mjs', 'gateway/bench/console-gateway.ts'], {
    BENCH_BUILDINGS: String(buildings),
    BENCH_SENSORS: String(sensors),
  });
  // Never leave a gateway behind, even when the benchmark is interrupted.
  process.once('exit', () => child.process.kill('SIGTERM'));
  process.once('SIGINT', () => process.exit(130));
  const { httpPort, mqttPort } = child.ready;
  return {
    stop: () => child.stop(),
    url: `http://127.0.0.1:${httpPort}`,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
  };
}

const connect = (url: string, clientId: string) =>
  new Promise<MqttClient>((resolve, reject) => {
    const client = mqtt.connect(url, { clientId, reconnectPeriod: 0 });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });

async function drawCalls(browser: Browser, buildings: number, sensors: number): Promise<number> {
  const run = await startGateway(buildings, sensors);
  try {
    const page = await openConsole(browser, run.url);
    await page.waitForTimeout(1500);
    const calls = await page.evaluate(() =>
      (globalThis as unknown as { __sensegrid: Hooks }).__sensegrid.drawCalls(),
    );
    await page.close();
    return calls;
  } finally {
    await run.stop();
  }
}

async function publishLoad(page: Page, mqttUrl: string, wsUrl: string, city: CityModel) {
  const publishers = await Promise.all(
    Array.from({ length: PUBLISHERS }, (_, i) => connect(mqttUrl, `bench-pub-${i}`)),
  );
  const raw: number[] = [];
  const subscriber = await connect(wsUrl, 'bench-raw-subscriber');
  await subscriber.subscribeAsync('devices/+/readings', { qos: 0 });
  subscriber.on('message', (_topic, payload) => {
    const { ts } = JSON.parse(payload.toString()) as { ts: number };
    raw.push(Date.now() - ts);
  });
  const renders = () =>
    page.evaluate(
      () =>
        (
          globalThis as unknown as {
            __sensegrid: { renderer: { info: { render: { frame: number } } } };
          }
        ).__sensegrid.renderer.info.render.frame,
    );
  const rendersBefore = await renders();
  const [from, appliedFrom] = await page.evaluate(() => {
    const hooks = (globalThis as unknown as { __sensegrid: Hooks }).__sensegrid;
    hooks.recordApplied();
    return [hooks.runtime.latencyCount, hooks.runtime.live.appliedCount];
  });
  const tickMs = 10;
  const perTick = Math.round((RATE * tickMs) / 1000);
  let sent = 0;
  let next = 0;
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE);
      const n = Math.min(due - sent, perTick * 4);
      for (let i = 0; i < n; i++) {
        const sensor = city.sensors[next++ % city.sensors.length]!;
        const payload = JSON.stringify({
          ts: Date.now(),
          values: { [metricOf(sensor.layer)]: Math.random() * 50 },
        });
        publishers[sent % PUBLISHERS]!.publish(`devices/${sensor.id}/readings`, payload, {
          qos: 0,
        });
        sent++;
      }
      if (Date.now() - started >= SECONDS * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  await page.waitForTimeout(1000);
  const rendersPerSec = ((await renders()) - rendersBefore) / (SECONDS + 1);
  const frameLatencyMs = await page.evaluate(
    () =>
      (globalThis as unknown as { __sensegrid: { runtime: { live: { frameLatencyMs: number } } } })
        .__sensegrid.runtime.live.frameLatencyMs,
  );
  const screen = await page.evaluate(
    (f) => (globalThis as unknown as { __sensegrid: Hooks }).__sensegrid.latencies(f),
    from,
  );
  const applied = await page.evaluate(
    (f) => (globalThis as unknown as { __sensegrid: Hooks }).__sensegrid.applied(f),
    appliedFrom,
  );
  await Promise.all([...publishers, subscriber].map((c) => c.endAsync()));
  return {
    sent,
    rate: sent / ((Date.now() - started - 1000) / 1000),
    screen,
    raw,
    frameLatencyMs,
    rendersPerSec,
    applied,
  };
}

function metricOf(layer: string): string {
  const metrics: Record<string, string> = {
    air: 'pm25',
    noise: 'noise_db',
    traffic: 'speed_kmh',
    water: 'pressure_bar',
    power: 'load_kw',
    fire: 'smoke_ppm',
    structure: 'tilt_mrad',
    crowd: 'people_per_m2',
    weather: 'temperature_c',
  };
  return metrics[layer] ?? 'value';
}

async function main() {
  const chromium = findBinary('chromium');
  if (!chromium) {
    console.error('bench:console needs Chromium: apt-get install -y chromium');
    process.exit(2);
  }
  console.log(
    `console benchmark: ${BUILDINGS} buildings, ${SENSORS} sensors, ${RATE} readings/s for ${SECONDS} s`,
  );
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ` + 'shared with other work: figures are noisy\n',
  );
  ensureConsoleBuilt();
  const browser = await launchChromium(chromium);
  try {
    const small = await drawCalls(browser, 200, 100);
    const full = await drawCalls(browser, BUILDINGS, SENSORS);
    // The same city as the child's: the same seed and sizes give the same sensors.
    const city = createDemoCity({ buildings: BUILDINGS, sensors: SENSORS });
    const run = await startGateway(BUILDINGS, SENSORS);
    try {
      const page = await openConsole(browser, run.url, { width: WIDTH, height: HEIGHT });
      await page.waitForTimeout(1500);
      const times = await page.evaluate(
        ([n, reps]) =>
          (globalThis as unknown as { __sensegrid: Hooks }).__sensegrid.timeFrameApply(n!, reps!),
        [SENSORS, REPS],
      );
      const renderMs = await page.evaluate(
        (reps) => (globalThis as unknown as { __sensegrid: Hooks }).__sensegrid.timeRender(reps),
        Math.min(REPS, 10),
      );
      const load = await publishLoad(
        page,
        run.mqttUrl,
        `${run.url.replace('http', 'ws')}/mqtt`,
        city,
      );

      const rows: [string, string, string, string][] = [
        [
          'draw calls',
          `${full} (${BUILDINGS} buildings, ${SENSORS} sensors)`,
          `${small} (200 buildings, 100 sensors)`,
          '<= 20',
        ],
        [
          `apply 1 frame of ${SENSORS} changed sensors, p50`,
          ms(quantile(times.binary, 0.5)),
          `${ms(quantile(times.json, 0.5))} (same updates as JSON)`,
          '<= 4 ms',
        ],
        ['  same, p95', ms(quantile(times.binary, 0.95)), ms(quantile(times.json, 0.95)), ''],
        [
          `render the city once (${WIDTH}x${HEIGHT}, waited for), p50`,
          ms(quantile(renderMs, 0.5)),
          '',
          '',
        ],
        [
          `publish-to-screen (presented) latency p50 at ${Math.round(load.rate)} readings/s`,
          ms(quantile(load.screen, 0.5)),
          `${ms(quantile(load.raw, 0.5))} (raw MQTT to a subscriber)`,
          '',
        ],
        [
          `  same, p99 (${load.screen.length} samples)`,
          ms(quantile(load.screen, 0.99)),
          ms(quantile(load.raw, 0.99)),
          '< 250 ms',
        ],
        [
          '  publish-to-console-state (frame applied, before drawing) p50',
          ms(quantile(load.applied, 0.5)),
          '',
          '',
        ],
        [`  same, p99 (${load.applied.length} samples)`, ms(quantile(load.applied, 0.99)), '', ''],
      ];
      const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length), 8));
      const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c]!)).join('  ');
      console.log(line(['measure', 'console', 'baseline (same run)', 'target']));
      for (const row of rows) console.log(line(row));
      console.log(
        `\nreadings sent: ${load.sent}; gateway-to-browser frame latency (moving average): ${ms(load.frameLatencyMs)}; ` +
          `renders/s during the load: ${load.rendersPerSec.toFixed(1)}; ` +
          `load average at the end: ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
      );
      await page.close();
    } finally {
      await run.stop();
    }
  } finally {
    await browser.close();
  }
}

await main();
