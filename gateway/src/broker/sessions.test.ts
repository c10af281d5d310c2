import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.ts';
import { openSessionStore } from './sessions.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A logger whose lines land in `lines`. */
function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as { level: number; msg: string });
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

async function openWithRetained(log: pino.Logger) {
  const dir = await mkdtemp(join(tmpdir(), 'sensegrid-sessions-'));
  dirs.push(dir);
  const store = await openSessionStore(dir, {
    queueMaxMessages: 10,
    queueMaxBytes: 1 << 20,
    metrics: createMetrics(),
    log,
  });
  await store.setup({ id: 'test-broker' });
  const persistence = store as unknown as {
    storeRetained(packet: object): Promise<void>;
    createRetainedStreamCombi(patterns: string[]): NodeJS.ReadableStream;
  };
  for (let i = 0; i < 50; i++) {
    await persistence.storeRetained({
      cmd: 'publish',
      topic: `devices/air-${i}/status`,
      payload: Buffer.from('online'),
      qos: 1,
      retain: true,
    });
  }
  return { store, persistence };
}

describe('the MQTT session store', () => {
  it('ends a retained-message read cut off by closing the store, without an unhandled error', async () => {
    const { log, lines } = capturingLogger();
    const { store, persistence } = await openWithRetained(log);
    // As Aedes does on SUBSCRIBE: a stream piped on with no error listener of its own.
    const stream = persistence.createRetainedStreamCombi(['devices/+/status']);
    await store.destroy();
    const received: unknown[] = [];
    stream.on('data', (packet) => received.push(packet));
    await new Promise<void>((resolve) => stream.once('close', () => resolve()));
    expect(received.length).toBeLessThan(50);
    expect(lines.some((line) => line.msg.includes('the session store is closing'))).toBe(true);
  });

  it('reads every retained message of a subscription while open', async () => {
    const { log, lines } = capturingLogger();
    const { store, persistence } = await openWithRetained(log);
    const stream = persistence.createRetainedStreamCombi(['devices/+/status']);
    const received: unknown[] = [];
    for await (const packet of stream) received.push(packet);
    expect(received).toHaveLength(50);
    expect(lines.filter((line) => line.level >= 40)).toEqual([]);
    await store.destroy();
  });
});
