import { Readable } from 'node:stream';
import type { ClassicLevel } from 'classic-level';
import msgpack from 'msgpack-lite';
import type { Logger } from 'pino';
import { QlobberTrue } from 'qlobber';

// How aedes-persistence-level keeps a retained message: msgpack under `retained:<topic>`.
const RETAINED = 'retained:';
// Its matching rules, so a filter selects here exactly what it selects there.
const MATCHING = {
  separator: '/',
  wildcard_one: '+',
  wildcard_some: '#',
  match_empty_levels: true,
};

export interface RetainedStreams {
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
  destroy(): Promise<void>;
}

/**
 * The retained messages a SUBSCRIBE gets, read by key instead of by a scan of all of them.
 *
 * aedes-persistence-level decodes every retained message of the broker for each filter of each
 * SUBSCRIBE: with a fleet whose devices each leave a retained status and meta, every device
 * subscribing to its commands topic reads all of them, and a fleet reconnecting costs the square
 * of its size (1,000 devices: two million decodes). Here a filter without wildcards is one key
 * lookup, and one with wildcards reads only the keys under its leading literal levels (plus the
 * parent topic itself for `a/#`); the same matcher as the library's then picks the messages.
 *
 * A read that fails ends its stream (Aedes pipes it on without an error listener, so an error
 * would otherwise end the process): the subscriber keeps what it was sent, and the failure is
 * logged, quietly once the store is closing at shutdown.
 */
export function indexRetainedStreams(
  persistence: RetainedStreams,
  db: ClassicLevel<string, Buffer>,
  log: Logger,
): void {
  let closing = false;
  const watch = (stream: Readable) =>
    stream.on('error', (error: Error) => {
      const entry = { err: error.message };
      if (closing) log.debug(entry, 'retained messages not read: the session store is closing');
      else log.warn(entry, 'retained messages could not be read for a subscription');
    });
  const destroy = persistence.destroy.bind(persistence);
  persistence.createRetainedStream = (pattern) => watch(Readable.from(retainedFor(db, [pattern])));
  persistence.createRetainedStreamCombi = (patterns) =>
    watch(Readable.from(retainedFor(db, patterns)));
  persistence.destroy = () => {
    closing = true;
    return destroy();
  };
}

/** The retained messages matching any of `patterns`, pattern by pattern, each once per pattern. */
async function* retainedFor(db: ClassicLevel<string, Buffer>, patterns: readonly string[]) {
  for (const pattern of patterns) {
    const matcher = new QlobberTrue(MATCHING).add(pattern);
    for (const range of keyRanges(pattern)) {
      for await (const blob of db.values({ ...range, valueEncoding: 'buffer' })) {
        const packet = msgpack.decode(blob) as { topic: string };
        if (matcher.test(packet.topic)) yield packet;
      }
    }
  }
}

type KeyRange = { gte: string; lte: string } | { gte: string; lt: string };

/** The key ranges that hold every topic `pattern` can match (a superset; the matcher decides). */
export function keyRanges(pattern: string): KeyRange[] {
  const levels = pattern.split('/');
  const wildcard = levels.findIndex((level) => level === '+' || level === '#');
  if (wildcard === -1) return [{ gte: RETAINED + pattern, lte: RETAINED + pattern }];
  // A leading wildcard can match anything (also topics starting with '/'): every key.
  if (wildcard === 0) return [{ gte: RETAINED, lt: `${RETAINED.slice(0, -1)};` }];
  const parent = levels.slice(0, wildcard).join('/');
  // Keys under `parent/` sort between `parent/` and `parent0` ('0' follows '/'), whatever
  // bytes come after the slash.
  const ranges: KeyRange[] = [{ gte: `${RETAINED}${parent}/`, lt: `${RETAINED}${parent}0` }];
  // `a/#` also matches `a` itself.
  if (levels[wildcard] === '#') ranges.push({ gte: RETAINED + parent, lte: RETAINED + parent });
  return ranges;
}
