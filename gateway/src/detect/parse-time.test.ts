import { describe, expect, it } from 'vitest';
import { parseTimestampMs } from './parse-time.ts';

describe('parseTimestampMs', () => {
  it('reads NAB-style times as UTC, with or without fractions', () => {
    expect(parseTimestampMs('2014-04-10 07:15:00')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestampMs('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestampMs('2000-02-29T23:59:59.5')).toBe(Date.UTC(2000, 1, 29, 23, 59, 59, 500));
    expect(parseTimestampMs('1969-12-31 23:00')).toBe(-3_600_000);
  });

  it('reads ISO 8601 with a zone, and epoch seconds or milliseconds', () => {
    expect(parseTimestampMs('2026-11-29T12:00:00+01:00')).toBe(Date.UTC(2026, 10, 29, 11));
    expect(parseTimestampMs('1764400000')).toBe(1_764_400_000_000);
    expect(parseTimestampMs('1764400000000')).toBe(1_764_400_000_000);
  });

  it('returns NaN for anything else', () => {
    for (const text of ['', 'yesterday', '2014-13-01 00:00:00', '2014-04-10 25:00:00', '12:00']) {
      expect(parseTimestampMs(text), text).toBeNaN();
    }
  });
});
