import { SensegridError } from '../errors.ts';

/** One series of a query result: column names and rows. */
export interface InfluxSeries {
  name?: string;
  columns: string[];
  values: unknown[][];
  partial?: boolean;
}

interface StatementResult {
  statement_id?: number;
  series?: InfluxSeries[];
  error?: string;
  partial?: boolean;
}

/** Quotes an identifier (measurement, field, tag key, database) for InfluxQL. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** Quotes a string literal (a tag value) for InfluxQL. */
export function quoteString(value: string): string {
  return `'${value.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}

/** An epoch-millisecond time literal. */
export function timeLiteral(epochMs: number): string {
  return `${Math.round(epochMs)}ms`;
}

/**
 * The rows of the first statement of a `/query` reply, in order. Chunked replies (one JSON
 * document per line, series continued while `partial` is set) are joined into one series list.
 */
export function parseQueryReply(text: string, url: string): InfluxSeries[] {
  const series: InfluxSeries[] = [];
  let continuing = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const document = JSON.parse(line) as { results?: StatementResult[]; error?: string };
    const failure = document.error ?? document.results?.find((result) => result.error)?.error;
    if (failure !== undefined) {
      throw new SensegridError(
        'SENSEGRID_STORE_REJECTED',
        `InfluxDB at ${url} rejected a query: ${failure}`,
        'The query was refused as sent; see the message above.',
      );
    }
    for (const result of document.results ?? []) {
      for (const chunk of result.series ?? []) {
        const previous = series.at(-1);
        if (continuing && previous !== undefined && previous.name === chunk.name) {
          previous.values.push(...chunk.values);
        } else {
          series.push({ ...chunk, values: [...chunk.values] });
        }
        continuing = chunk.partial === true;
      }
    }
  }
  return series;
}

/** The rows of every series as objects keyed by column name. */
export function rowsOf(series: InfluxSeries[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const { columns, values } of series) {
    for (const value of values) {
      const row: Record<string, unknown> = {};
      columns.forEach((column, index) => {
        row[column] = value[index];
      });
      rows.push(row);
    }
  }
  return rows;
}
