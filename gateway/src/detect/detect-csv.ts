import { SensegridError } from '../errors.ts';
import type { DetectorOptions } from './options.ts';
import { parseNaiveDateTime, parseTimestampMs } from './parse-time.ts';
import { createSeriesDetector } from './series-detector.ts';

export const CSV_INPUT_HEADER = 'timestamp,value';
export const CSV_OUTPUT_HEADER = 'timestamp,value,anomaly_score';

/** Feeds CSV text in chunks of any size; output goes to the `emit` given at creation. */
export interface CsvDetector {
  push(chunk: string): void;
  /** Flushes the last line; throws on a bad last row. */
  end(): void;
}

export interface CsvDetectorOptions {
  /** Receives output text in blocks of about `blockChars`. */
  emit: (text: string) => void;
  /** Also receives each row's score (row 0 is the first data row). */
  onScore?: (row: number, score: number) => void;
  blockChars?: number;
  /** Leave empty for production: `sensegrid detect` and eval:nab run the defaults. */
  detector?: Partial<DetectorOptions>;
}

function badCsv(message: string): SensegridError {
  return new SensegridError(
    'SENSEGRID_DETECT_BAD_CSV',
    message,
    `Give a CSV whose first line is "${CSV_INPUT_HEADER}" and whose rows are a time (ISO 8601, "YYYY-MM-DD HH:MM:SS" or epoch) and a finite number.`,
  );
}

function formatScore(score: number): string {
  return score === 0 ? '0' : score === 1 ? '1' : score.toFixed(6);
}

/**
 * The CSV front of the production detector: reads `timestamp,value` rows and writes
 * `timestamp,value,anomaly_score`, echoing time and value as given. Each row is scored when
 * it arrives, so row i sees rows 0..i only.
 */
export function createCsvDetector(options: CsvDetectorOptions): CsvDetector {
  const { emit, onScore } = options;
  const blockChars = options.blockChars ?? 1 << 16;
  const detector = createSeriesDetector(options.detector);
  const state = detector.createState();
  let carry = '';
  let lineNumber = 0;
  let row = 0;
  let out = '';

  function handleLine(raw: string): void {
    lineNumber++;
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (lineNumber === 1) {
      const header = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      if (header.trim() !== CSV_INPUT_HEADER) {
        throw badCsv(`line 1: the header is "${header}", not "${CSV_INPUT_HEADER}".`);
      }
      out += `${CSV_OUTPUT_HEADER}\n`;
      return;
    }
    if (line.length === 0) return;
    const comma = line.indexOf(',');
    if (comma < 0) throw badCsv(`line ${lineNumber}: "${line}" is not "timestamp,value".`);
    let tsMs = parseNaiveDateTime(line, 0, comma);
    if (Number.isNaN(tsMs)) {
      const stamp = line.slice(0, comma);
      tsMs = parseTimestampMs(stamp.trim());
      if (Number.isNaN(tsMs)) throw badCsv(`line ${lineNumber}: cannot read the time "${stamp}".`);
    }
    const valueText = line.slice(comma + 1);
    let value = Number(valueText);
    if (value === 0 && valueText.trim() === '') value = Number.NaN;
    if (!Number.isFinite(value))
      throw badCsv(`line ${lineNumber}: the value "${valueText}" is not a finite number.`);
    const score = detector.step(state, tsMs, value);
    onScore?.(row, score);
    row++;
    out += `${line},${formatScore(score)}\n`;
    if (out.length >= blockChars) {
      emit(out);
      out = '';
    }
  }

  function flushOnError(error: unknown): never {
    if (out) emit(out);
    out = '';
    throw error;
  }

  return {
    push(chunk) {
      let start = 0;
      let text = chunk;
      if (carry) {
        text = carry + chunk;
        carry = '';
      }
      try {
        for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
          handleLine(text.slice(start, nl));
          start = nl + 1;
        }
      } catch (error) {
        flushOnError(error);
      }
      carry = text.slice(start);
    },
    end() {
      try {
        if (carry) handleLine(carry);
        carry = '';
        if (lineNumber === 0)
          throw badCsv(`the input is empty; expected the header "${CSV_INPUT_HEADER}".`);
      } catch (error) {
        flushOnError(error);
      }
      if (out) emit(out);
      out = '';
    },
  };
}
