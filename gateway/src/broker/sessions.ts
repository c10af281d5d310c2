import { mkdir } from 'node:fs/promises';
import { ClassicLevel } from 'classic-level';
import AsyncLevelPersistence from 'aedes-persistence-level/asyncPersistence.js';
import { SensegridError } from '../errors.ts';

/** What Aedes needs of a persistence, plus closing it. */
export interface SessionPersistence {
  setup(broker: unknown): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * MQTT sessions (subscriptions of persistent clients and their queued QoS 1 messages),
 * retained messages and wills, kept in a LevelDB folder so they survive a restart.
 */
export async function openSessionStore(dir: string): Promise<SessionPersistence> {
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
  return new AsyncLevelPersistence(db) as SessionPersistence;
}
