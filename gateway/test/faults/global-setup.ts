import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { formatFigures, type FaultFigures } from './figures.ts';

/** Collects the figures of every fault scenario and prints them as one table at the end. */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'sensegrid-faults-summary-'));
  const file = join(dir, 'figures.ndjson');
  writeFileSync(file, '');
  project.provide('faultsSummaryFile', file);
  return () => {
    const rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FaultFigures);
    rmSync(dir, { recursive: true, force: true });
    if (rows.length > 0) console.log(`\nFault scenarios:\n${formatFigures(rows)}\n`);
  };
}
