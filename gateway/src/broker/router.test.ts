import { describe, expect, it } from 'vitest';
import { createRouter } from './router.ts';

describe('createRouter', () => {
  it('delivers a backlog of 50,000 messages after a stalled delivery without overflowing the stack', async () => {
    const router = createRouter(1);
    let release: (() => void) | undefined;
    let delivered = 0;
    router.on('slow/topic', (_message, done) => {
      release = done; // a subscriber that does not drain: holds the only slot
    });
    router.emit({ topic: 'slow/topic' });
    for (let i = 0; i < 50_000; i++) router.emit({ topic: `nobody/${i % 10}` }, () => delivered++);
    expect(delivered).toBe(0);
    release!();
    await new Promise<void>((resolve) => {
      const check = () => (delivered === 50_000 ? resolve() : setImmediate(check));
      check();
    });
    expect(delivered).toBe(50_000);
  });
});
