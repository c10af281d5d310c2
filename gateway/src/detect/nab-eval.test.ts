import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNabCorpus, parseNabCsv } from './nab-corpus.ts';
import { evaluateNab, formatNabReport, scoreCsvLikeDetectCommand } from './nab-eval.ts';
import { windowsToRows } from './nab-score.ts';
import { DAY_POINTS, seasonalSeries, START_MS, STEP_MS } from './test-series.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const NAB_DIR = process.env.SENSEGRID_NAB_DIR ?? resolve(REPO, '../shared/data/nab');
const hasNab = existsSync(NAB_DIR);

describe('evaluateNab', () => {
  it('scores a small generated corpus end to end', () => {
    const values = seasonalSeries(6 * DAY_POINTS, 1);
    values[5 * DAY_POINTS]! += 25;
    const text = `timestamp,value\n${values
      .map((v, i) => `${new Date(START_MS + i * STEP_MS).toISOString()},${v}`)
      .join('\n')}\n`;
    const parsed = parseNabCsv('gen/spike.csv', text);
    const at = (row: number) => START_MS + row * STEP_MS;
    const windows = windowsToRows(parsed.timesMs, [
      [at(5 * DAY_POINTS - 40), at(5 * DAY_POINTS + 40)],
    ]);
    const evaluation = evaluateNab([{ ...parsed, windows }]);
    expect(evaluation.profiles.map((p) => p.profile.name)).toEqual([
      'standard',
      'reward_low_FP_rate',
      'reward_low_FN_rate',
    ]);
    expect(evaluation.profiles[0]!.normalised).toBeGreaterThan(90);
    expect(formatNabReport(evaluation)).toContain('gen/spike.csv');
  });

  it.skipIf(!hasNab)(
    hasNab
      ? 'reaches a standard score of 70 on the NAB subset'
      : `reaches a standard score of 70 on the NAB subset (skipped: no NAB data at ${NAB_DIR})`,
    async () => {
      const corpus = (await loadNabCorpus(NAB_DIR))!;
      expect(corpus.length).toBeGreaterThan(0);
      const scores = scoreCsvLikeDetectCommand(corpus[0]!.text, corpus[0]!.values.length);
      expect(scores.length).toBe(corpus[0]!.values.length);
      const evaluation = evaluateNab(corpus);
      expect(evaluation.profiles[0]!.normalised).toBeGreaterThanOrEqual(70);
    },
  );
});
