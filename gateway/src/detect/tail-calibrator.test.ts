import { describe, expect, it } from 'vitest';
import { calibrateSurprise, createTailCalibrator, DEFAULT_CALIBRATION } from './tail-calibrator.ts';

describe('calibrateSurprise', () => {
  it('says nothing until it has seen enough history', () => {
    const cal = createTailCalibrator();
    for (let i = 0; i < DEFAULT_CALIBRATION.minCount; i++)
      expect(calibrateSurprise(cal, 100)).toBe(0);
  });

  it('measures surprise as -ln of the share of history at least as large', () => {
    const cal = createTailCalibrator();
    for (let i = 0; i < 99; i++) calibrateSurprise(cal, i % 2 === 0 ? 1 : 3);
    // 49 of 99 earlier values are >= 3: -ln((49 + 0.5) / 100)
    expect(calibrateSurprise(cal, 3)).toBeCloseTo(-Math.log(49.5 / 100), 9);
    expect(calibrateSurprise(cal, 0)).toBeCloseTo(-Math.log(100.5 / 101), 9);
  });

  it('adds surprise for going beyond the largest value seen, and caps the history it credits', () => {
    const cal = createTailCalibrator();
    for (let i = 0; i < 5000; i++) calibrateSurprise(cal, 2);
    const record = calibrateSurprise(cal, 2.5);
    const cap = -Math.log(DEFAULT_CALIBRATION.prior / (DEFAULT_CALIBRATION.historyCap + 1));
    expect(record).toBeCloseTo(
      cap + (Math.log1p(2.5) - Math.log1p(2)) * DEFAULT_CALIBRATION.beyondMaxNats,
      9,
    );
    expect(calibrateSurprise(cal, 20)).toBeGreaterThan(record + 4);
  });
});
