import { describe, expect, it } from 'vitest';
import { SeqClock } from './seq-clock.ts';

describe('SeqClock', () => {
  it('recalls the time of a recent seq of the same device only', () => {
    const clock = new SeqClock();
    clock.remember('a', 7, 1_000_000);
    expect(clock.recall('a', 7, 1_000_500)).toBe(1_000_000);
    expect(clock.recall('a', 8, 1_000_500)).toBeUndefined();
    expect(clock.recall('b', 7, 1_000_500)).toBeUndefined();
  });

  it('treats a seq seen long ago as a restarted counter', () => {
    const clock = new SeqClock();
    clock.remember('a', 1, 0);
    expect(clock.recall('a', 1, 3_600_000)).toBeUndefined();
  });

  it('forgets the oldest seqs past its window', () => {
    const clock = new SeqClock();
    for (let seq = 1; seq <= 100; seq++) clock.remember('a', seq, 1000 + seq);
    expect(clock.recall('a', 1, 2000)).toBeUndefined();
    expect(clock.recall('a', 100, 2000)).toBe(1100);
  });
});
