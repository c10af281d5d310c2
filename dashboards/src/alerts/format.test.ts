import { describe, expect, it } from 'vitest';
import { formatDuration, formatRelative, formatShare, formatState } from './format.ts';

describe('alert figures as text', () => {
  it('writes durations at a useful precision, and a dash when unknown', () => {
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 05 min');
    expect(formatDuration(52 * 3_600_000)).toBe('2 d 4 h');
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
  });

  it('says how long ago or how soon', () => {
    expect(formatRelative(1_000_000, 1_010_000)).toBe('just now');
    expect(formatRelative(0, 5 * 60_000)).toBe('5 min ago');
    expect(formatRelative(20 * 60_000, 0)).toBe('in 20 min');
  });

  it('writes shares as whole percentages and states as words', () => {
    expect(formatShare(0.873)).toBe('87%');
    expect(formatShare(null)).toBe('–');
    expect(formatState('in_progress')).toBe('in progress');
  });
});
