import { describe, expect, it } from 'vitest';
import { DeviceRateLimiter } from './rate-limit.ts';

describe('DeviceRateLimiter', () => {
  it('lets a burst through, then spaces messages at the rate', () => {
    let now = 0;
    const limiter = new DeviceRateLimiter(
      { messagesPerSecond: 10, bytesPerSecond: 0, burstSeconds: 1 },
      () => now,
    );
    const delays = Array.from({ length: 12 }, () => limiter.delayFor('a', 10));
    expect(delays.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(delays[10]).toBeCloseTo(100);
    expect(delays[11]).toBeCloseTo(200);
    now = 5000; // idle: the bucket refills, up to the burst
    expect(limiter.delayFor('a', 10)).toBe(0);
  });

  it('limits bytes as well as messages, and each device on its own', () => {
    const now = 0;
    const limiter = new DeviceRateLimiter(
      { messagesPerSecond: 0, bytesPerSecond: 1000, burstSeconds: 1 },
      () => now,
    );
    expect(limiter.delayFor('a', 1000)).toBe(0);
    expect(limiter.delayFor('a', 500)).toBeCloseTo(500);
    expect(limiter.delayFor('b', 1000)).toBe(0);
  });

  it('does nothing with both limits off', () => {
    const limiter = new DeviceRateLimiter({ messagesPerSecond: 0, bytesPerSecond: 0 });
    for (let i = 0; i < 1000; i++) expect(limiter.delayFor('a', 1e6)).toBe(0);
  });
});
