import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.ts';

describe('BoundedQueue', () => {
  it('drops and hands back the oldest item when full', () => {
    const queue = new BoundedQueue<number>(3);
    expect([1, 2, 3].map((n) => queue.push(n))).toEqual([undefined, undefined, undefined]);
    expect(queue.push(4)).toBe(1);
    expect(queue.push(5)).toBe(2);
    expect(queue.size).toBe(3);
    expect(queue.take(10)).toEqual([3, 4, 5]);
    expect(queue.size).toBe(0);
  });

  it('keeps first-in first-out order across the ring boundary', () => {
    const queue = new BoundedQueue<number>(4);
    const out: number[] = [];
    for (let n = 1; n <= 20; n++) {
      queue.push(n);
      if (n % 3 === 0) out.push(...queue.take(2));
    }
    out.push(...queue.take(10));
    expect(out).toEqual([...out].sort((a, b) => a - b));
  });

  it('refuses a capacity below one', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
