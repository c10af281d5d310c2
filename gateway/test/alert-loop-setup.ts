// A fresh alert loop per test on a temporary database, its wall clock a month past T0.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { AlertLoop } from '../src/alerts/alert-loop.ts';
import { builtInRules, type AlertRules } from '../src/alerts/rules.ts';
import { T0 } from '../src/alerts/test-city.ts';
import type { TwinState } from '../src/twin-state/twin-state.ts';

export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** Gives each test a temporary folder and closes its loops after it; returns `startLoop`. */
export function useAlertLoops() {
  let dir: string;
  let loops: AlertLoop[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sensegrid-alerts-'));
  });
  afterEach(async () => {
    for (const loop of loops) await loop.close();
    loops = [];
    await rm(dir, { recursive: true, force: true });
  });

  return function startLoop(
    twin: TwinState,
    rules: AlertRules = builtInRules(),
    file = 'alerts.db',
  ): AlertLoop {
    const loop = new AlertLoop({
      dbPath: join(dir, file),
      rules,
      twin,
      log: pino({ level: 'silent' }),
      // Signal time runs up to a day past T0 in these tests; the wall clock is later still.
      now: () => T0 + 30 * DAY,
    });
    loops.push(loop);
    return loop;
  };
}
