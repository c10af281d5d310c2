import { mkdir } from 'node:fs/promises';
import { ClassicLevel } from 'classic-level';
import AsyncLevelPersistence from 'aedes-persistence-level/asyncPersistence.js';
import { SensegridError } from '../errors.ts';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import { indexRetainedStreams, type RetainedStreams } from './retained-streams.ts';
import { boundOutgoingQueues, type OutgoingQueues } from './session-queues.ts';

export { orderedBrokerId } from './session-queues.ts';

export interface SessionStoreOptions {
  /** Queued QoS 1 messages per persistent client; past it the oldest are dropped. */
  queueMaxMessages: number;
  /** Queued payload bytes per persistent client; past it the oldest are dropped. */
  queueMaxBytes: number;
  metrics: Metrics;
  log: Logger;
}

const DROP_LOG_INTERVAL_MS = 60_000;

/** Counts every dropped message; logs at most once a minute per client. */
function reportDrops(options: SessionStoreOptions) {
  const lastLogged = new Map<string, { at: number; since: number }>();
  return (clientId: string, messages: number) => {
    options.metrics.sessionQueueDropped.inc(messages);
    const now = Date.now();
    const entry = lastLogged.get(clientId) ?? { at: 0, since: 0 };
    entry.since += messages;
    lastLogged.set(clientId, entry);
    if (now - entry.at < DROP_LOG_INTERVAL_MS) return;
    options.log.warn(
      {
        client: clientId,
        dropped: entry.since,
        maxMessages: options.queueMaxMessages,
        maxBytes: options.queueMaxBytes,
      },
      'persistent session queue full: dropped the oldest queued messages',
    );
    entry.at = now;
    entry.since = 0;
  };
}

/** What Aedes needs of a persistence, plus closing it. */
export interface SessionPersistence {
  setup(broker: unknown): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * MQTT sessions (subscriptions of persistent clients and their queued QoS 1 messages),
 * retained messages and wills, kept in a LevelDB folder so they survive a restart. Each
 * client's queue is bounded (oldest dropped first, counted and logged).
 */
export async function openSessionStore(
  dir: string,
  options: SessionStoreOptions,
): Promise<SessionPersistence> {
  await mkdir(dir, { recursive: true });
  const db = new ClassicLevel<string, Buffer>(dir, { valueEncoding: 'buffer' });
  try {
    await db.open();
  } catch (error) {
    throw new SensegridError(
      'SENSEGRID_SESSIONS_UNAVAILABLE',
      `the MQTT session store in ${dir} could not be opened: ${(error as Error).message}.`,
      'Another gateway may be using the same --data-dir; give each gateway its own.',
    );
  }
  const persistence = new AsyncLevelPersistence(db) as SessionPersistence &
    OutgoingQueues &
    RetainedStreams;
  boundOutgoingQueues(persistence, db, {
    maxMessages: options.queueMaxMessages,
    maxBytes: options.queueMaxBytes,
    onDropped: reportDrops(options),
  });
  indexRetainedStreams(persistence, db, options.log);
  return persistence;
}
