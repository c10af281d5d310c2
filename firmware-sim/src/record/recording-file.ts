import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import {
  RECORDING_FORMAT,
  RECORDING_VERSION,
  decodeLine,
  encodeMessage,
  isHeader,
  type RecordedMessage,
  type RecordingHeader,
} from './format.ts';

/** Writes one recording file; `close` flushes and resolves once the file is complete. */
export class RecordingWriter {
  private readonly gzip: Gzip;
  private readonly file: WriteStream;
  private readonly done: Promise<void>;
  messages = 0;
  /** Uncompressed bytes written. */
  bytes = 0;

  constructor(
    readonly path: string,
    header: Omit<RecordingHeader, 'format' | 'version'>,
  ) {
    this.gzip = createGzip();
    this.file = createWriteStream(path);
    this.gzip.pipe(this.file);
    this.done = new Promise((resolve, reject) => {
      this.file.on('finish', () => resolve());
      this.file.on('error', reject);
      this.gzip.on('error', reject);
    });
    this.writeLine(
      JSON.stringify({ format: RECORDING_FORMAT, version: RECORDING_VERSION, ...header }),
    );
  }

  /** Returns false when the caller should wait for `drain` before writing more. */
  write(message: RecordedMessage): boolean {
    this.messages++;
    return this.writeLine(encodeMessage(message));
  }

  drain(): Promise<void> {
    return new Promise((resolve) => this.gzip.once('drain', () => resolve()));
  }

  private writeLine(line: string): boolean {
    this.bytes += line.length + 1;
    return this.gzip.write(`${line}\n`);
  }

  async close(): Promise<void> {
    this.gzip.end();
    await this.done;
  }
}

/** Reads a recording message by message, with the share of the file read so far. */
export async function* readRecording(
  path: string,
): AsyncGenerator<{ message: RecordedMessage; progress: number }, RecordingHeader | undefined> {
  const size = statSync(path).size || 1;
  const raw = createReadStream(path);
  const lines = createInterface({ input: raw.pipe(createGunzip()), crlfDelay: Infinity });
  let header: RecordingHeader | undefined;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line === '') continue;
    if (lineNumber === 1) {
      const first = JSON.parse(line) as unknown;
      if (isHeader(first)) {
        header = first;
        continue;
      }
    }
    yield { message: decodeLine(line, lineNumber), progress: raw.bytesRead / size };
  }
  return header;
}
