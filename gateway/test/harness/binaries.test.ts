import { afterEach, describe, expect, it } from 'vitest';
import { findBinary, MissingBinaryError, requireBinary } from './binaries.ts';

describe('test binaries', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
  });

  it('finds an installed binary by name', () => {
    expect(findBinary('sh')).toMatch(/\/sh$/);
  });

  it('returns nothing for a missing binary outside CI, so the suite can skip', () => {
    delete process.env.CI;
    expect(requireBinary('no-such-binary-for-sensegrid', 'apt-get install -y nothing')).toBe(
      undefined,
    );
  });

  it('fails for a missing binary under CI=true, naming the install command', () => {
    process.env.CI = 'true';
    expect(() =>
      requireBinary('no-such-binary-for-sensegrid', 'apt-get install -y nothing'),
    ).toThrow(MissingBinaryError);
    expect(() =>
      requireBinary('no-such-binary-for-sensegrid', 'apt-get install -y nothing'),
    ).toThrow(/apt-get install -y nothing/);
  });
});
