import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom, gaussian } from '@sensegrid/twin';
import { createSeriesDetector } from '../src/detect/series-detector.ts';

// npm run bench:detect — points per second of the production detector on one core, next to a
// running mean over the same data (the baseline), in-process and through `sensegrid detect`.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const POINTS = Number(process.env.BENCH_POINTS ?? 5_000_000);
const CSV_ROWS = Number(process.env.BENCH_CSV_ROWS ?? 2_000_000);
const ROUNDS = 3;
const START_MS = Date.UTC(2026, 0, 1);
const STEP_MS = 60_000;

/** A daily cycle with noise, occasional spikes and a level shift half way: realistic branches. */
function generate(count: number): { times: Float64Array; values: Float64Array } {
  const random = createRandom(42);
  const times = new Float64Array(count);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const day = ((i * STEP_MS) % 86_400_000) / 86_400_000;
    let value = 40 + 15 * Math.sin(2 * Math.PI * day) + 2 * gaussian(random);
    if (random() < 0.0005) value += 40;
    if (i > count / 2) value += 10;
    times[i] = START_MS + i * STEP_MS;
    values[i] = Math.round(value * 100) / 100;
  }
  return { times, values };
}

function rate(points: number, ms: number): string {
  return `${Math.round((points / ms) * 1000)
    .toLocaleString('en-US')
    .padStart(12)} points/s`;
}

/** Best of ROUNDS: the least disturbed run on a shared machine. */
function best(run: () => number): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    const sink = run();
    const ms = performance.now() - started;
    if (Number.isNaN(sink)) throw new Error('unreachable');
    fastest = Math.min(fastest, ms);
  }
  return fastest;
}

function inProcess(): void {
  const { times, values } = generate(POINTS);
  const baselineMs = best(() => {
    let mean = 0;
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      mean += 0.01 * (values[i]! - mean);
      sum += times[i]! > 0 ? mean : 0;
    }
    return sum;
  });
  const detector = createSeriesDetector();
  const detectorMs = best(() => {
    const state = detector.createState();
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += detector.step(state, times[i]!, values[i]!);
    return sum;
  });
  console.log(`in-process, ${POINTS.toLocaleString('en-US')} points, best of ${ROUNDS}:`);
  console.log(`  baseline (running mean)   ${rate(POINTS, baselineMs)}`);
  console.log(`  production detector       ${rate(POINTS, detectorMs)}`);
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const { times, values } = generate(rows);
  const out = createWriteStream(path);
  let block = 'timestamp,value\n';
  for (let i = 0; i < rows; i++) {
    block += `${new Date(times[i]!).toISOString().slice(0, 19).replace('T', ' ')},${values[i]}\n`;
    if (block.length > 1 << 16) {
      if (!out.write(block))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      block = '';
    }
  }
  out.end(block);
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
}

/** Pass-through with a running mean as the score: the same I/O as `detect`, no detector. */
const BASELINE_SCRIPT = `
const { createReadStream } = require('node:fs');
let carry = '', first = true, mean = 0, out = '';
const input = createReadStream(process.argv[1], { encoding: 'utf8' });
input.on('data', (chunk) => {
  const text = carry + chunk; let start = 0;
  for (let nl = text.indexOf('\\n'); nl >= 0; nl = text.indexOf('\\n', start)) {
    const line = text.slice(start, nl); start = nl + 1;
    if (first) { out += 'timestamp,value,anomaly_score\\n'; first = false; continue; }
    const comma = line.indexOf(',');
    const ts = Date.parse(line.slice(0, comma).replace(' ', 'T') + 'Z');
    const v = Number(line.slice(comma + 1));
    mean += 0.01 * (v - mean);
    out += line + ',' + (ts > 0 ? mean.toFixed(6) : '0') + '\\n';
    if (out.length > 65536) { process.stdout.write(out); out = ''; }
  }
  carry = text.slice(start);
});
input.on('end', () => process.stdout.write(out));
`;

/** Runs a command that reads `path` and writes CSV to stdout; resolves with ms and output lines. */
function timeChild(args: string[]): Promise<{ ms: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}`));
      else resolve({ ms: performance.now() - started, lines });
    });
  });
}

async function endToEnd(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sensegrid-bench-detect-'));
  try {
    const path = join(dir, 'series.csv');
    await writeCsv(path, CSV_ROWS);
    const baseline = await timeChild(['-e', BASELINE_SCRIPT, path]);
    const detect = await timeChild(['bin/sensegrid.mjs', 'detect', path]);
    if (detect.lines !== CSV_ROWS + 1)
      throw new Error(`detect printed ${detect.lines} lines for ${CSV_ROWS} rows`);
    console.log(
      `end-to-end over a ${CSV_ROWS.toLocaleString('en-US')}-row CSV file (process start included):`,
    );
    console.log(`  baseline (node pass-through, running mean)  ${rate(CSV_ROWS, baseline.ms)}`);
    console.log(`  sensegrid detect                            ${rate(CSV_ROWS, detect.ms)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

inProcess();
await endToEnd();
console.log(
  '(2 shared cores: figures vary from run to run; the baseline shows how busy the machine was.)',
);
