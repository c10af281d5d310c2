import { describe, expect, it } from 'vitest';
import { createScheduler } from './scheduler.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createScheduler', () => {
  it('runs tasks in the order they fall due', async () => {
    const scheduler = createScheduler();
    const ran: string[] = [];
    const now = scheduler.now();
    scheduler.schedule(now + 30, () => ran.push('c'));
    scheduler.schedule(now + 10, () => ran.push('a'));
    scheduler.schedule(now + 20, () => ran.push('b'));
    scheduler.schedule(now - 5, () => ran.push('late'));
    await sleep(60);
    expect(ran).toEqual(['late', 'a', 'b', 'c']);
    scheduler.close();
  });

  it('does not run a cancelled task', async () => {
    const scheduler = createScheduler();
    let ran = false;
    scheduler.schedule(scheduler.now() + 5, () => (ran = true)).cancel();
    await sleep(30);
    expect(ran).toBe(false);
    scheduler.close();
  });

  it('keeps running the other tasks after one throws', async () => {
    const errors: unknown[] = [];
    const scheduler = createScheduler({ onError: (e) => errors.push(e) });
    let ran = false;
    scheduler.schedule(scheduler.now(), () => {
      throw new Error('boom');
    });
    scheduler.schedule(scheduler.now() + 5, () => (ran = true));
    await sleep(30);
    expect(errors).toHaveLength(1);
    expect(ran).toBe(true);
    scheduler.close();
  });

  it('lets a task schedule the next one, as periodic devices do', async () => {
    const scheduler = createScheduler();
    let count = 0;
    const tick = (at: number) => () => {
      count++;
      scheduler.schedule(at + 5, tick(at + 5));
    };
    scheduler.schedule(scheduler.now(), tick(scheduler.now()));
    await sleep(100);
    scheduler.close();
    expect(count).toBeGreaterThanOrEqual(10);
    expect(count).toBeLessThanOrEqual(22);
  });
});
