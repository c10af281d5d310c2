import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

const EXTRA_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

/** Thrown when a test needs a system binary that is missing and CI=true. */
export class MissingBinaryError extends Error {
  constructor(name: string, installHint: string) {
    super(
      `${name} is not installed, and CI=true turns a missing test dependency into a failure. ` +
        `Install it with: ${installHint}`,
    );
    this.name = 'MissingBinaryError';
  }
}

/** The absolute path of an executable on PATH (or in /usr/bin, /usr/sbin), if there is one. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next folder
    }
  }
  return undefined;
}

function isCi(): boolean {
  return process.env.CI === 'true';
}

/**
 * The path of a binary a test needs. When it is missing: throws under CI=true (the run fails),
 * otherwise returns undefined so the caller can skip visibly.
 */
export function requireBinary(name: string, installHint: string): string | undefined {
  const path = findBinary(name);
  if (path !== undefined) return path;
  if (isCi()) throw new MissingBinaryError(name, installHint);
  return undefined;
}

/**
 * A `describe` that runs only when `binary` is installed. Missing binary: under CI=true the suite
 * holds one failing test that says how to install it; otherwise one skipped test whose name
 * carries the reason and the install command, also printed once to the console.
 *
 * @example describeWithBinary('influxd', 'apt-get install -y influxdb', 'influx store', (path) => {...})
 */
export function describeWithBinary(
  binary: string,
  installHint: string,
  title: string,
  fn: (binaryPath: string) => void,
): void {
  const path = findBinary(binary);
  if (path !== undefined) {
    describe(title, () => fn(path));
    return;
  }
  if (isCi()) {
    describe(title, () => {
      it(`needs ${binary}, which is missing`, () => {
        throw new MissingBinaryError(binary, installHint);
      });
    });
    return;
  }
  console.warn(`[skip] ${title}: ${binary} is not installed. Install it with: ${installHint}`);
  describe(title, () => {
    it.skip(`skipped: ${binary} is not installed (install with: ${installHint})`, () => {});
  });
}
