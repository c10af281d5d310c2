import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import AsyncLevelPersistence from 'aedes-persistence-level/asyncPersistence.js';
import { ClassicLevel } from 'classic-level';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRetainedStreams, keyRanges, type RetainedStreams } from './retained-streams.ts';

type Persistence = RetainedStreams & { storeRetained(packet: object): Promise<void> };

const LEVELS = ['a', 'b', 'devices', 'air-1', 'status', '', '$SYS', 'ü', 'a0'];
const topic = fc
  .array(fc.constantFrom(...LEVELS), { minLength: 1, maxLength: 4 })
  .map((levels) => levels.join('/'))
  .filter((t) => t.length > 0);
const filter = fc
  .array(fc.constantFrom(...LEVELS, '+', '#'), { minLength: 1, maxLength: 4 })
  .filter((levels) => !levels.slice(0, -1).includes('#'))
  .map((levels) => levels.join('/'));

async function topicsOf(stream: Readable): Promise<string[]> {
  const topics: string[] = [];
  for await (const packet of stream) topics.push((packet as { topic: string }).topic);
  return topics.sort();
}

describe('retained messages read by key', () => {
  let dir: string;
  let db: ClassicLevel<string, Buffer>;
  let library: Persistence;
  let indexed: Persistence;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sensegrid-retained-'));
    db = new ClassicLevel<string, Buffer>(dir, { valueEncoding: 'buffer' });
    await db.open();
    library = new AsyncLevelPersistence(db) as unknown as Persistence;
    indexed = new AsyncLevelPersistence(db) as unknown as Persistence;
    indexRetainedStreams(indexed, db, pino({ level: 'silent' }));
    // Every topic of up to three levels from LEVELS, and a few of four.
    const topics = new Set<string>();
    for (const a of LEVELS)
      for (const b of ['', ...LEVELS.map((l) => `/${l}`)])
        for (const c of ['', '/status', '/x/y']) if (`${a}${b}${c}`) topics.add(`${a}${b}${c}`);
    for (const t of topics) {
      await library.storeRetained({
        cmd: 'publish',
        topic: t,
        payload: Buffer.from(t || 'empty'),
        qos: 0,
        retain: true,
      });
    }
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives every subscription exactly what the library gives it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(filter, { minLength: 1, maxLength: 3 }), async (filters) => {
        expect(await topicsOf(indexed.createRetainedStreamCombi(filters))).toEqual(
          await topicsOf(library.createRetainedStreamCombi(filters)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('reads one key for a filter without wildcards and only the subtree for one with', () => {
    expect(keyRanges('devices/air-1/commands')).toEqual([
      { gte: 'retained:devices/air-1/commands', lte: 'retained:devices/air-1/commands' },
    ]);
    expect(keyRanges('devices/+/status')).toEqual([
      { gte: 'retained:devices/', lt: 'retained:devices0' },
    ]);
    expect(keyRanges('devices/air-1/#')).toEqual([
      { gte: 'retained:devices/air-1/', lt: 'retained:devices/air-10' },
      { gte: 'retained:devices/air-1', lte: 'retained:devices/air-1' },
    ]);
    expect(keyRanges('#')).toEqual([{ gte: 'retained:', lt: 'retained;' }]);
  });

  it('keeps topics that are single matches apart from their neighbours', async () => {
    // `a0` sorts right after `a/`: it must not leak into `a/#`, and `a` itself must be in it.
    expect(await topicsOf(indexed.createRetainedStream('a/#'))).toEqual(
      await topicsOf(library.createRetainedStream('a/#')),
    );
    const direct = await topicsOf(indexed.createRetainedStream('a0'));
    expect(direct).toEqual(['a0']);
  });

  it('gives a filter without wildcards its own topic, also a non-ASCII one', async () => {
    await fc.assert(
      fc.asyncProperty(topic, async (t) => {
        expect(await topicsOf(indexed.createRetainedStream(t))).toEqual(
          await topicsOf(library.createRetainedStream(t)),
        );
      }),
      { numRuns: 100 },
    );
  });
});
