import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { SensegridError } from '../errors.ts';
import { createCsvDetector } from './detect-csv.ts';

export const DETECT_USAGE = `sensegrid detect [file.csv]

Runs the streaming anomaly detector over a CSV with the header "timestamp,value" (from the
file, or from stdin when no file is given) and prints "timestamp,value,anomaly_score", one
line per input row, with a score in [0, 1]. Row i is scored seeing rows 0..i only.`;

export interface DetectIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

function openInput(path: string | undefined, stdin: Readable): Readable {
  if (path === undefined || path === '-') return stdin;
  return createReadStream(path);
}

/** `sensegrid detect`: resolves with the exit code; a bad CSV throws a SensegridError. */
export async function runDetectCommand(args: string[], io: DetectIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${DETECT_USAGE}\n`);
    return 0;
  }
  const files = args.filter((arg) => arg === '-' || !arg.startsWith('-'));
  const unknown = args.find((arg) => arg !== '-' && arg.startsWith('-'));
  if (unknown !== undefined || files.length > 1) {
    io.stderr.write(
      `sensegrid detect: ${unknown ? `unknown flag "${unknown}"` : 'give at most one file'}.\n\n${DETECT_USAGE}\n`,
    );
    return 2;
  }
  const input = openInput(files[0], io.stdin);
  input.setEncoding('utf8');
  const pending: string[] = [];
  const csv = createCsvDetector({ emit: (text) => pending.push(text) });
  const drain = async () => {
    for (const text of pending.splice(0)) {
      if (!io.stdout.write(text)) await once(io.stdout, 'drain');
    }
  };
  try {
    for await (const chunk of input) {
      csv.push(chunk as string);
      await drain();
    }
    csv.end();
  } catch (error) {
    await drain();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new SensegridError(
        'SENSEGRID_DETECT_NO_INPUT',
        `cannot read "${files[0]}" (${code}).`,
        'Give the path of a readable CSV file, or pipe the CSV to stdin.',
      );
    }
    throw error;
  }
  await drain();
  return 0;
}
