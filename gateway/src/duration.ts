import { z } from 'zod';

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const USE_DURATION = 'use a duration like 12h, 30m or 90s';
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 } as const;

/** Milliseconds of `90d`, `12h`, `30m`, `90s`, `250ms`, or of a bare number (milliseconds). */
export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const [, amount, unit] = DURATION.exec(value)!;
  return Number(amount) * UNIT_MS[(unit ?? 'ms') as keyof typeof UNIT_MS];
}

/**
 * A duration setting as milliseconds: a number, or text like `12h`, `30m`, `90s` (digits alone
 * are milliseconds). Bounds go in a `.pipe(z.number()...)` after it.
 */
export const duration = z
  .union([z.number(), z.string().regex(DURATION, USE_DURATION)], { error: USE_DURATION })
  .transform(durationMs);
