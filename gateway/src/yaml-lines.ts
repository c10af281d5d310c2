import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

/** A settings file (YAML, or JSON, which is YAML too) that knows the line of every value. */
export interface LinedDocument {
  /** The document as plain data; undefined when it is empty. */
  value: unknown;
  /** Syntax errors with their lines; when there are any, `value` is not worth checking. */
  syntaxErrors: string[];
  /** `line 4` for the value at `path`, or for the nearest value above it. */
  lineOf(path: readonly PropertyKey[]): string;
  /** `line 4, rules[2].layer: <message>` for a zod issue about the value under `prefix`. */
  describe(issue: z.core.$ZodIssue, prefix?: readonly PropertyKey[]): string;
}

/** Parses a settings file so that every problem can be reported with its line and field. */
export function parseLinedDocument(text: string): LinedDocument {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntaxErrors = doc.errors.map(
    (e) => `line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`,
  );
  const lineOf = (path: readonly PropertyKey[]): string => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as
        { range?: [number, number, number] } | undefined;
      if (node?.range) return `line ${lines.linePos(node.range[0]).line}`;
    }
    return 'line ?';
  };
  const describe = (issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []) => {
    const path = [...prefix, ...issue.path];
    const field = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return `${lineOf(path)}, ${field.replace(/^\./, '') || 'the file'}: ${issue.message}`;
  };
  return {
    value: syntaxErrors.length > 0 ? undefined : doc.toJS(),
    syntaxErrors,
    lineOf,
    describe,
  };
}
