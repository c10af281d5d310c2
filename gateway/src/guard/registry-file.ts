import { readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What `readIfChanged` found: the file's entries, or that it is gone. */
export type RegistryRead<T> = { mtimeMs: number; entries: T[] } | 'missing';

/**
 * A registry kept as one JSON array in the data folder (device credentials, users), which
 * commands edit and a running gateway reads again when its modification time changes.
 */
export const registryFile = {
  /** The entries when the file changed since `loadedMtimeMs`; undefined when it did not. */
  readIfChanged<T>(file: string, loadedMtimeMs: number): RegistryRead<T> | undefined {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return 'missing';
    }
    if (mtimeMs === loadedMtimeMs) return undefined;
    return { mtimeMs, entries: JSON.parse(readFileSync(file, 'utf8')) as T[] };
  },

  /** Replaces the file whole (a temporary file renamed over it), mode 0600; returns its mtime. */
  async write(file: string, entries: readonly unknown[]): Promise<number> {
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    await writeFile(tmp, JSON.stringify(entries, null, 1), { mode: 0o600 });
    await rename(tmp, file);
    return statSync(file).mtimeMs;
  },
};
