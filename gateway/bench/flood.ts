import { cpus, freemem, loadavg, totalmem, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTrafficMonitor } from '../src/guard/traffic-monitor.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import { startChild } from './child.ts';
import { RawClient } from './raw-client.ts';

// npm run bench:flood — a well-behaved fleet (QoS 1, steady rate) measured alone, then while
// one of its devices floods as fast as the gateway acknowledges. Figures: the fleet's readings
// stored per second and acknowledgement latency in both phases, the flooder's throttled rate,
// and whether the traffic monitor flagged it.
const DEVICES = Number(process.env.BENCH_DEVICES ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 5); // publishes per second per device
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 35); // the monitor learns usual rates
const PHASE_S = Number(process.env.BENCH_PHASE_S ?? 20);
const FLOODER = 'flooder-0';
// The per-device limit (--device-msgs-per-sec): 20x a fleet device's rate, so the flood is throttled.
const DEVICE_LIMIT = Number(process.env.BENCH_DEVICE_LIMIT ?? RATE * 20);
const sent = { fleet: 0, flooder: 0 };

interface Phase {
  name: string;
  fromMs: number;
  toMs: number;
  fleetLatencies: number[];
  fleetSent: number;
  flooderSent: number;
  flooderAcks: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function metric(httpPort: number, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const match = pattern.exec(text);
  return match ? Number(match[1]) : 0;
}

const payload = (seq: number) =>
  Buffer.from(`{"ts":${Date.now()},"seq":${seq},"values":{"pm25":${seq % 50},"noise_db":48}}`);

/** Every device publishes RATE times a second, each on its own schedule. */
function runFleet(clients: Map<string, RawClient>) {
  const timers: NodeJS.Timeout[] = [];
  let seq = 0;
  for (const [id, client] of clients) {
    const start = setTimeout(
      () => {
        timers.push(
          setInterval(() => {
            if (id === FLOODER) sent.flooder++;
            else sent.fleet++;
            void client.publish(`devices/${id}/readings`, payload(++seq), 1000);
          }, 1000 / RATE),
        );
      },
      Math.random() * (1000 / RATE),
    );
    timers.push(start);
  }
  return () => timers.forEach((timer) => clearTimeout(timer));
}

async function flood(client: RawClient, untilMs: number): Promise<void> {
  let seq = 1_000_000;
  while (Date.now() < untilMs) {
    sent.flooder++;
    await client.publish(`devices/${FLOODER}/readings`, payload(++seq), 1000);
  }
}

async function storedPerSecond(dbFile: string, fleet: string[], phase: Phase) {
  const store = createSqliteStore(dbFile);
  await store.init();
  let stored = 0;
  for (const id of fleet) stored += (await store.scan(id, phase.fromMs, phase.toMs - 1)).length;
  await store.close();
  return stored / ((phase.toMs - phase.fromMs) / 1000);
}

/**
 * The monitor's own cost per publish, in process: 1M publishes spread over 100 devices, the
 * best of three rounds (the first ones warm the JIT up).
 */
function monitorNsPerPublish(): number {
  const monitor = createTrafficMonitor(() => undefined);
  const ids = Array.from({ length: 100 }, (_, i) => `d-${i}`);
  const topics = ids.map((id) => `devices/${id}/readings`);
  const count = 1_000_000;
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = Date.now() + round * count;
    const started = performance.now();
    for (let i = 0; i < count; i++) monitor.published(ids[i % 100]!, topics[i % 100]!, 80, t0 + i);
    best = Math.min(best, ((performance.now() - started) * 1e6) / count);
  }
  return best;
}

const cpu = cpus();
console.log(
  `machine: ${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB ` +
    `(${(freemem() / 2 ** 30).toFixed(1)} free), node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
console.log(
  `fleet: ${DEVICES} devices x ${RATE}/s, QoS 1, one connection each; warm-up ${WARMUP_S} s, ` +
    `then ${PHASE_S} s alone and ${PHASE_S} s while ${FLOODER} floods\n`,
);

console.log(`traffic monitor in process: ${monitorNsPerPublish().toFixed(0)} ns per publish\n`);

const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-flood-'));
const child = await startChild(
  [
    'bin/sensegrid.mjs',
    'start',
    '--mqtt-port=0',
    '--http-port=0',
    '--allow-anonymous',
    `--data-dir=${dataDir}`,
    `--device-msgs-per-sec=${DEVICE_LIMIT}`,
  ],
  { SENSEGRID_LOG_LEVEL: 'info' },
);
const httpPort = child.ready.httpPort!;
const phases: Phase[] = [];
const fleet = Array.from({ length: DEVICES }, (_, i) => `fleet-${String(i).padStart(4, '0')}`);
try {
  const clients = new Map<string, RawClient>();
  for (const id of [...fleet, FLOODER])
    clients.set(id, await RawClient.connect(child.ready.mqttPort, id));
  const fleetClients = fleet.map((id) => clients.get(id)!);
  const flooder = clients.get(FLOODER)!;
  console.error(`${clients.size} clients connected; warming up for ${WARMUP_S} s`);
  const stopSteady = runFleet(clients);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_S * 1000));

  const measure = async (name: string, during: (untilMs: number) => Promise<void>) => {
    const marks = fleetClients.map((c) => c.latenciesMs.length);
    const flooderMark = flooder.latenciesMs.length;
    const sentMark = { ...sent };
    const fromMs = Date.now();
    const toMs = fromMs + PHASE_S * 1000;
    // Counted when the phase ends, however long the flooder's last publish waits.
    const counted = new Promise<Phase>((resolve) =>
      setTimeout(
        () =>
          resolve({
            name,
            fromMs,
            toMs,
            fleetLatencies: fleetClients.flatMap((c, i) => c.latenciesMs.slice(marks[i])),
            fleetSent: sent.fleet - sentMark.fleet,
            flooderSent: sent.flooder - sentMark.flooder,
            flooderAcks: flooder.latenciesMs.length - flooderMark,
          }),
        toMs - Date.now(),
      ),
    );
    const [phase] = await Promise.all([counted, during(toMs)]);
    phases.push(phase);
  };
  console.error('measuring the fleet alone');
  await measure('fleet alone', async () => undefined);
  console.error(`measuring the fleet while ${FLOODER} floods`);
  stopSteady();
  const stopFleetOnly = runFleet(new Map(fleet.map((id) => [id, clients.get(id)!])));
  await measure(`fleet while ${FLOODER} floods`, (untilMs) => flood(flooder, untilMs));
  stopFleetOnly();
  console.error('waiting for the last acknowledgements');
  await Promise.all([...clients.values()].map((c) => c.settle()));
  const floods = await metric(httpPort, /^sensegrid_traffic_findings_total\{kind="flood"\} (\d+)/m);
  const throttled = await metric(httpPort, /^sensegrid_publishes_throttled_total (\d+)/m);
  for (const client of clients.values()) client.close();
  console.log(
    `traffic monitor: ${floods} flood finding(s); ${throttled} publishes throttled (limit ${DEVICE_LIMIT}/s per device)\n`,
  );
} finally {
  await child.stop();
}

console.log(
  '| phase | fleet readings/s sent | fleet readings/s stored | fleet PUBACK p50 ms | fleet PUBACK p99 ms | flooder publishes/s sent | flooder publishes/s acknowledged |',
);
console.log('|---|---|---|---|---|---|---|');
for (const phase of phases) {
  const seconds = (phase.toMs - phase.fromMs) / 1000;
  const sorted = phase.fleetLatencies.sort((a, b) => a - b);
  const stored = await storedPerSecond(join(dataDir, 'sensegrid.db'), fleet, phase);
  const flooderSent = phase.flooderSent / seconds;
  const flooderAcked = phase.flooderAcks / seconds;
  console.log(
    `| ${phase.name} | ${Math.round(phase.fleetSent / seconds)} | ${Math.round(stored)} | ${percentile(sorted, 0.5).toFixed(2)} | ${percentile(sorted, 0.99).toFixed(2)} | ${Math.round(flooderSent)} (${(flooderSent / RATE).toFixed(0)}x a fleet device) | ${Math.round(flooderAcked)} |`,
  );
}
console.log(
  `load after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await rm(dataDir, { recursive: true, force: true });
