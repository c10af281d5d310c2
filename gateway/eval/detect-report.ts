import { INCIDENT_KINDS } from '@sensegrid/firmware-sim';
import type { Scores } from './detect-match.ts';

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fixed = (x: number, digits = 2) => (Number.isNaN(x) ? '-' : x.toFixed(digits));

/** The per-kind table: incidents, detected, precision, recall, median time to detection. */
export function formatScores(scores: Scores, intervalS: number): string {
  const header = [
    'kind',
    'incidents',
    'detected',
    'TP signals',
    'FP signals',
    'precision',
    'recall',
    'median TTD s',
    'TTD intervals',
  ];
  const rows = [header];
  for (const kind of [...INCIDENT_KINDS, 'other'] as const) {
    const s = scores.get(kind);
    if (!s) continue;
    const precision = s.truePositives / (s.truePositives + s.falsePositives);
    const recall = s.incidents ? s.detected / s.incidents : Number.NaN;
    const ttd = median(s.delaysS);
    rows.push([
      kind,
      String(s.incidents),
      String(s.detected),
      String(s.truePositives),
      String(s.falsePositives),
      fixed(precision),
      fixed(recall),
      fixed(ttd, 0),
      fixed(ttd / intervalS, 1),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join('  '),
    )
    .join('\n');
}
