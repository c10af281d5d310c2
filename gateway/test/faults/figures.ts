import type { ExactlyOnceReport } from './count-stored.ts';

/** The figures every fault scenario reports. */
export interface FaultFigures {
  scenario: string;
  store: 'influx' | 'sqlite';
  /** Readings the devices handed to their MQTT client. */
  sent: number;
  acked: number;
  /** Distinct (device, seq) in the store. */
  stored: number;
  duplicates: number;
  missing: number;
  /** From the end of the fault until the backlog was stored, in ms. */
  recoveryMs: number | undefined;
  /** Largest resident set size of the gateway process, in bytes. */
  peakRssBytes: number;
  /** Scenario-specific figures, short. */
  notes?: string;
}

const COLUMNS: [title: string, cell: (f: FaultFigures) => string][] = [
  ['scenario', (f) => f.scenario],
  ['store', (f) => f.store],
  ['sent', (f) => String(f.sent)],
  ['acked', (f) => String(f.acked)],
  ['stored', (f) => String(f.stored)],
  ['dup', (f) => String(f.duplicates)],
  ['missing', (f) => String(f.missing)],
  ['recovery', (f) => (f.recoveryMs === undefined ? '-' : `${(f.recoveryMs / 1000).toFixed(1)} s`)],
  ['peak RSS', (f) => `${Math.round(f.peakRssBytes / 2 ** 20)} MiB`],
  ['notes', (f) => f.notes ?? ''],
];

/** A Markdown table of the figures. */
export function formatFigures(rows: readonly FaultFigures[]): string {
  const cells = rows.map((row) => COLUMNS.map(([, cell]) => cell(row)));
  const widths = COLUMNS.map(([title], i) =>
    Math.max(title.length, ...cells.map((line) => line[i]!.length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, i) => value.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(COLUMNS.map(([title]) => title)),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
  ].join('\n');
}

export function figuresFrom(
  base: Omit<FaultFigures, 'acked' | 'stored' | 'duplicates' | 'missing'>,
  report: ExactlyOnceReport,
): FaultFigures {
  return {
    ...base,
    acked: report.acked,
    stored: report.distinct,
    duplicates: report.duplicates,
    missing: report.missing,
  };
}
