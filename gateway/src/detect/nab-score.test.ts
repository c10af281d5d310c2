import { describe, expect, it } from 'vitest';
import {
  labelRows,
  NAB_PROFILES,
  normaliseScore,
  optimiseThreshold,
  probationRows,
  scaledSigmoid,
  scoreFile,
  windowsToRows,
} from './nab-score.ts';

const [standard, lowFp, lowFn] = NAB_PROFILES as [
  (typeof NAB_PROFILES)[0],
  (typeof NAB_PROFILES)[0],
  (typeof NAB_PROFILES)[0],
];

/** 20 rows: probation 3 rows, one window over rows 10..14 (width 5). */
const rows = labelRows(20, [{ left: 10, right: 14 }]);

function scoresWith(entries: Record<number, number>): Float64Array {
  const scores = new Float64Array(20);
  for (const [row, score] of Object.entries(entries)) scores[Number(row)] = score;
  return scores;
}

describe('NAB scoring', () => {
  it('uses the scaled sigmoid 2 / (1 + e^(5p)) - 1, and -1 beyond p = 3', () => {
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6);
    expect(scaledSigmoid(0.5)).toBeCloseTo(-0.848284, 6);
    expect(scaledSigmoid(3.5)).toBe(-1);
  });

  it('holds back min(floor(15% of rows), 750) rows as probation', () => {
    expect(probationRows(20)).toBe(3);
    expect(probationRows(4032)).toBe(604);
    expect(probationRows(22695)).toBe(750);
  });

  it('maps windows given as times to the rows they cover', () => {
    const times = [0, 10, 20, 30, 40, 50];
    expect(windowsToRows(times, [[15, 40]])).toEqual([{ left: 2, right: 4 }]);
    expect(windowsToRows(times, [[41, 49]])).toEqual([]);
  });

  it('gives the earliest detection in a window the full true-positive weight', () => {
    expect(scoreFile(scoresWith({ 10: 1 }), rows, 0.5, standard)).toEqual({
      tp: 1,
      fp: 0,
      fn: 0,
      raw: 1,
    });
  });

  it('weights a late detection by its place in the window and counts only the earliest', () => {
    // p = -(14 - 14 + 1) / 5 = -0.2: sigma(-0.2) / sigma(-1) = 0.468387
    expect(scoreFile(scoresWith({ 14: 1 }), rows, 0.5, standard).raw).toBeCloseTo(0.468387, 6);
    // rows 12 and 14 both fire: only row 12 counts, p = -0.6: 0.917429
    expect(scoreFile(scoresWith({ 12: 1, 14: 1 }), rows, 0.5, standard)).toMatchObject({
      tp: 1,
      fp: 0,
    });
    expect(scoreFile(scoresWith({ 12: 1, 14: 1 }), rows, 0.5, standard).raw).toBeCloseTo(
      0.917429,
      6,
    );
  });

  it('charges a false positive by its distance from the previous window, or fully before any window', () => {
    // row 16: p = |16 - 14| / (5 - 1) = 0.5, sigma = -0.848284, times A_FP 0.11; plus the missed window
    const after = scoreFile(scoresWith({ 16: 1 }), rows, 0.5, standard);
    expect(after).toMatchObject({ tp: 0, fp: 1, fn: 1 });
    expect(after.raw).toBeCloseTo(-1 - 0.093311, 6);
    const before = scoreFile(scoresWith({ 5: 1 }), rows, 0.5, lowFp);
    expect(before.raw).toBeCloseTo(-1 - 0.22, 9);
  });

  it('ignores detections in the probationary period and charges A_FN per missed window', () => {
    expect(scoreFile(scoresWith({ 1: 1 }), rows, 0.5, standard)).toEqual({
      tp: 0,
      fp: 0,
      fn: 1,
      raw: -1,
    });
    expect(scoreFile(scoresWith({}), rows, 0.5, lowFn).raw).toBe(-2);
  });

  it('picks the threshold that maximises the corpus total and normalises it against null and perfect', () => {
    // row 5 (0.9) is a false positive before the window, row 12 (0.8) a true positive.
    const file = { scores: scoresWith({ 5: 0.9, 12: 0.8 }), rows };
    const result = optimiseThreshold([file], standard);
    expect(result.threshold).toBe(0.8);
    expect(result.raw).toBeCloseTo(0.917429 - 0.11, 6);
    expect(result.normalised).toBeCloseTo(90.3714, 4);
    expect(optimiseThreshold([file], lowFp).normalised).toBeCloseTo(84.8714, 4);
    expect(optimiseThreshold([file], lowFn).normalised).toBeCloseTo(93.581, 3);
  });

  it('prefers firing nothing when every detection costs more than it earns', () => {
    const noWindow = labelRows(20, []);
    const result = optimiseThreshold(
      [{ scores: scoresWith({ 8: 0.7 }), rows: noWindow }],
      standard,
    );
    expect(result.raw).toBe(0);
    expect(result.threshold).toBeGreaterThan(0.7);
    expect(normaliseScore(-3, 3, standard)).toBe(0);
    expect(normaliseScore(3, 3, standard)).toBe(100);
  });
});
