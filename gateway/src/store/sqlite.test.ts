import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeReadingStore, makeReadings, T0 } from './contract.ts';
import { createSqliteStore } from './sqlite.ts';

let dir: string;
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-sqlite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeReadingStore('sqlite', async () => {
  files += 1;
  return createSqliteStore(join(dir, `contract-${files}.db`));
});

describeReadingStore('in-memory sqlite', async () => createSqliteStore(':memory:'));

describe('the sqlite store', () => {
  it('creates the parent folders of its file', async () => {
    const store = createSqliteStore(join(dir, 'deep', 'er', 'sensegrid.db'));
    await store.init();
    expect((await store.health()).ok).toBe(true);
    await store.close();
  });

  it('keeps what was written after it is closed and opened again', async () => {
    const path = join(dir, 'reopened.db');
    const first = createSqliteStore(path);
    await first.init();
    await first.write(makeReadings('air-0001', 100));
    await first.close();

    const second = createSqliteStore(path);
    await second.init();
    expect(await second.scan('air-0001', T0, T0 + 100_000)).toHaveLength(100);
    await second.close();
  });

  it('reports an unusable path as unreachable, naming the path', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    const path = join(blocker, 'sensegrid.db');
    const store = createSqliteStore(path);
    await expect(store.init()).rejects.toMatchObject({ code: 'SENSEGRID_STORE_UNREACHABLE' });
    const health = await store.health();
    expect(health.ok).toBe(false);
    expect(health.error).toContain(path);
  });
});
