import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { duration } from '../../duration.ts';
import { SensegridError } from '../../errors.ts';
import { parseLinedDocument } from '../../yaml-lines.ts';
import type { TrafficOptions } from './options.ts';

const count = (min: number) => {
  const message = `must be a whole number of at least ${min}`;
  return z.number({ error: message }).int(message).min(min, message);
};
const atLeast = (min: number) => {
  const message = `must be a number of at least ${min}`;
  return z.number({ error: message }).min(min, message);
};
const FACTOR = 'must be a number above 1 (a multiple of the usual)';
const factor = z.number({ error: FACTOR }).gt(1, FACTOR);
const span = (minMs: number) =>
  duration.pipe(z.number().int().min(minMs, `must be at least ${minMs} ms`));

/** Every threshold of the traffic monitor, as a file may give it (durations as `60s`, `10m`). */
const SETTINGS: { [K in keyof TrafficOptions]: z.ZodType<TrafficOptions[K], unknown> } = {
  bucketMs: span(100),
  warmupBuckets: count(0),
  warmupPublishes: count(0),
  floodFactor: factor,
  floodMinMsgsPerSec: atLeast(0),
  oversizedFactor: factor,
  oversizedMinBytes: count(0),
  silenceFactor: factor,
  silenceMinMs: span(1000),
  maxTopics: count(1),
  churnConnects: count(2),
  churnWindowMs: span(1000),
  authFailures: count(1),
  authFailureWindowMs: span(1000),
  sharedIdWindowMs: span(1000),
  repeatMs: span(0),
  recentMs: span(60_000),
  maxDevices: count(1),
  maxAddresses: count(1),
};
const fileSchema = z.object(SETTINGS).partial().strict();

const NAMES = Object.keys(SETTINGS).join(', ');

/**
 * Reads the thresholds of `--traffic-rules` (YAML or JSON): any of the traffic monitor's
 * settings, the rest keep their defaults. Every unknown key and bad value is reported at once
 * with its line.
 */
export function loadTrafficRules(path: string): Partial<TrafficOptions> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SensegridError(
      'SENSEGRID_CONFIG_INVALID',
      `--traffic-rules (SENSEGRID_TRAFFIC_RULES): the file ${path} cannot be read (${(error as Error).message}).`,
      'Point it at a readable YAML or JSON file, or leave it out for the built-in thresholds.',
    );
  }
  return parseTrafficRules(text, path);
}

/** Parses traffic thresholds from text; `source` names the file in errors. */
export function parseTrafficRules(text: string, source = 'traffic rules'): Partial<TrafficOptions> {
  const doc = parseLinedDocument(text);
  if (doc.syntaxErrors.length > 0) throw rulesError(source, doc.syntaxErrors);
  const value = doc.value ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw rulesError(source, [`${doc.lineOf([])}: the file must be a map of settings to values`]);
  }
  const parsed = fileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => `${doc.lineOf([key])}, ${key}: ${unknownSetting(key)}`)
      : [doc.describe(issue)],
  );
  throw rulesError(
    source,
    problems.sort((a, b) => lineNumber(a) - lineNumber(b)),
  );
}

function unknownSetting(key: string): string {
  // The usual slip is a setting without its unit (`silenceMin` for `silenceMinMs`).
  const near = Object.keys(SETTINGS).find((name) =>
    name.toLowerCase().startsWith(key.toLowerCase()),
  );
  return `not a setting of the traffic monitor${near ? ` (${near}?)` : ''}`;
}

const lineNumber = (problem: string): number => Number(/^line (\d+)/.exec(problem)?.[1] ?? 0);

function rulesError(source: string, problems: string[]): SensegridError {
  return new SensegridError(
    'SENSEGRID_CONFIG_INVALID',
    `--traffic-rules (SENSEGRID_TRAFFIC_RULES) ${source}:\n  - ${problems.join('\n  - ')}`,
    `\nFix the file: its settings are ${NAMES}; durations may be written as 60s or 10m. The README (Traffic monitor) shows an example.`,
  );
}
