import { describe, expect, it } from 'vitest';
import { resolveDetectorOptions } from './options.ts';
import { daySlotOf, slotLabel, weekSlotOf } from './seasonal-profile.ts';

describe('seasonal slots', () => {
  const options = resolveDetectorOptions();

  it('places a time in its hour of the day and of the week (Monday first)', () => {
    const tuesday0815 = Date.UTC(2026, 0, 6, 8, 15);
    expect(daySlotOf(tuesday0815, options)).toBe(8);
    expect(weekSlotOf(tuesday0815, options)).toBe(24 + 8);
    expect(slotLabel(weekSlotOf(tuesday0815, options), true, options)).toBe('a Tuesday 08:00');
    expect(slotLabel(8, false, options)).toBe('08:00');
  });

  it('follows the configured UTC offset', () => {
    const local = resolveDetectorOptions({ utcOffsetMinutes: 120 });
    const sunday2300Utc = Date.UTC(2026, 0, 11, 23, 0);
    expect(slotLabel(weekSlotOf(sunday2300Utc, local), true, local)).toBe('a Monday 01:00');
  });
});
