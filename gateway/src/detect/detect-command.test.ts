import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_POINTS, seasonalSeries, START_MS, STEP_MS } from './test-series.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/sensegrid.mjs');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-detect-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function detect(
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'detect', ...args], { cwd: ROOT, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

function csvWithSpike(): { text: string; spikeRow: number } {
  const values = seasonalSeries(4 * DAY_POINTS, 1);
  const spikeRow = 3 * DAY_POINTS + 40;
  values[spikeRow]! += 20;
  const rows = values.map((v, i) => {
    const stamp = new Date(START_MS + i * STEP_MS).toISOString().slice(0, 19).replace('T', ' ');
    return `${stamp},${v.toFixed(3)}`;
  });
  return { text: `timestamp,value\n${rows.join('\n')}\n`, spikeRow };
}

describe('sensegrid detect', () => {
  it('scores every row of a CSV file, echoing time and value, with the spike scoring highest', async () => {
    const { text, spikeRow } = csvWithSpike();
    const path = join(dir, 'series.csv');
    await writeFile(path, text);
    const { code, stdout, stderr } = await detect([path]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const inputLines = text.trimEnd().split('\n');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(inputLines.length);
    const scores = lines.slice(1).map((line, i) => {
      const cells = line.split(',');
      expect(`${cells[0]},${cells[1]}`).toBe(inputLines[i + 1]);
      return Number(cells[2]);
    });
    for (const score of scores) expect(score >= 0 && score <= 1).toBe(true);
    expect(scores.indexOf(Math.max(...scores))).toBe(spikeRow);
  });

  it('reads stdin when no file is given and gives the same scores', async () => {
    const { text } = csvWithSpike();
    const path = join(dir, 'same.csv');
    await writeFile(path, text);
    const [fromFile, fromStdin] = await Promise.all([detect([path]), detect([], text)]);
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  });

  it('exits 2 naming the problem for a bad header', async () => {
    const { code, stdout, stderr } = await detect([], 'time,value\n2026-01-01 00:00:00,1\n');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('SENSEGRID_DETECT_BAD_CSV: line 1: the header is "time,value"');
  });

  it('exits 2 naming the line of a bad row', async () => {
    const input = 'timestamp,value\n2026-01-01 00:00:00,1\n2026-01-01 00:05:00,abc\n';
    const { code, stdout, stderr } = await detect([], input);
    expect(code).toBe(2);
    expect(stdout).toBe('timestamp,value,anomaly_score\n2026-01-01 00:00:00,1,0\n');
    expect(stderr).toContain('line 3: the value "abc" is not a finite number');
    const badTime = await detect([], 'timestamp,value\nyesterday,1\n');
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('line 2: cannot read the time "yesterday"');
  });

  it('exits 2 when the file cannot be read', async () => {
    const { code, stderr } = await detect([join(dir, 'missing.csv')]);
    expect(code).toBe(2);
    expect(stderr).toContain('SENSEGRID_DETECT_NO_INPUT');
  });
});
