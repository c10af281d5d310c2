import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import AsyncLevelPersistence from 'aedes-persistence-level/asyncPersistence.js';
import { ClassicLevel } from 'classic-level';
import pino from 'pino';
import { indexRetainedStreams, type RetainedStreams } from '../src/broker/retained-streams.ts';

// npm run bench:retained — what a device's SUBSCRIBE to its commands topic costs in the session
// store while the fleet's retained status and meta messages are there: the gateway's reads by
// key, next to the persistence library's own scan of every retained message (the baseline).
const DEVICES = Number(process.env.BENCH_DEVICES ?? 2000);
const SUBSCRIBES = Number(process.env.BENCH_SUBSCRIBES ?? 500);

type Persistence = RetainedStreams & { storeRetained(packet: object): Promise<void> };

async function drain(stream: Readable): Promise<number> {
  let n = 0;
  for await (const _packet of stream) n++;
  return n;
}

async function measure(name: string, persistence: Persistence) {
  const started = performance.now();
  let delivered = 0;
  for (let i = 0; i < SUBSCRIBES; i++) {
    const device = `air-${String(i % DEVICES).padStart(4, '0')}`;
    delivered += await drain(persistence.createRetainedStreamCombi([`devices/${device}/commands`]));
  }
  const seconds = (performance.now() - started) / 1000;
  const wildcardStarted = performance.now();
  const all = await drain(persistence.createRetainedStreamCombi(['devices/+/status']));
  const wildcardMs = performance.now() - wildcardStarted;
  return { name, perSecond: SUBSCRIBES / seconds, delivered, all, wildcardMs };
}

const dir = await mkdtemp(join(tmpdir(), 'sensegrid-bench-retained-'));
const db = new ClassicLevel<string, Buffer>(dir, { valueEncoding: 'buffer' });
await db.open();
try {
  const library = new AsyncLevelPersistence(db) as unknown as Persistence;
  const indexed = new AsyncLevelPersistence(db) as unknown as Persistence;
  indexRetainedStreams(indexed, db, pino({ level: 'silent' }));
  for (let i = 0; i < DEVICES; i++) {
    const device = `air-${String(i).padStart(4, '0')}`;
    for (const [kind, payload] of [
      ['status', 'online'],
      ['meta', JSON.stringify({ lat: 52.5 + i / 1e4, lon: 13.4, kind: 'air', firmware: '1.4.2' })],
    ] as const) {
      await library.storeRetained({
        cmd: 'publish',
        topic: `devices/${device}/${kind}`,
        payload: Buffer.from(payload),
        qos: 1,
        retain: true,
      });
    }
  }
  const cpu = cpus();
  console.log(`machine: ${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, node ${process.version}`);
  console.log(
    `${DEVICES} devices with a retained status and meta (${2 * DEVICES} messages); ` +
      `${SUBSCRIBES} subscribes, each to one device's commands topic\n`,
  );
  const results = [await measure('library scan (baseline)', library)];
  results.push(await measure('by key (gateway)', indexed));
  console.log('| reads | subscribes/s | retained delivered | devices/+/status: messages, ms |');
  console.log('|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.perSecond.toFixed(0)} | ${r.delivered} | ${r.all}, ${r.wildcardMs.toFixed(1)} |`,
    );
  }
} finally {
  await db.close();
  await rm(dir, { recursive: true, force: true });
}
