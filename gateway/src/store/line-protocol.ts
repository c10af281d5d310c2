import type { PlacedReading } from '@sensegrid/twin';

/** The one measurement every reading goes to (CONTRACT.md, "InfluxDB layout"). */
export const MEASUREMENT = 'readings';
/** Tags written besides `device`, in line-protocol key order. */
export const PLACEMENT_TAGS = ['district', 'grid', 'layer'] as const;
/** The integer field that carries the device's counter. */
export const SEQ_FIELD = 'seq';

const KEY_SPECIALS = /[,= \n\r\t]/g;
// A line break would end the line, so it is written as backslash + letter, like the official
// clients do. Backslashes stay as they are: InfluxDB 1.x stores `\\` verbatim, not as `\`.
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Escapes a tag key, tag value or field key: commas, equals signs, spaces and line breaks. */
export function escapeKey(text: string): string {
  return text.replace(KEY_SPECIALS, (char) => ESCAPES[char] ?? `\\${char}`);
}

/**
 * One line of line protocol for a reading, with a millisecond timestamp, or undefined when the
 * reading carries nothing a point can hold (no finite value and no seq).
 */
export function toLine(reading: PlacedReading): string | undefined {
  let fields = '';
  for (const [metric, value] of Object.entries(reading.values)) {
    if (!Number.isFinite(value)) continue;
    // A float field: integers without the `i` suffix are stored as floats.
    fields += `${fields === '' ? '' : ','}${escapeKey(metric)}=${value}`;
  }
  if (reading.seq !== undefined && Number.isSafeInteger(reading.seq)) {
    fields += `${fields === '' ? '' : ','}${SEQ_FIELD}=${reading.seq}i`;
  }
  if (fields === '') return undefined;
  let series = `${MEASUREMENT},device=${escapeKey(reading.device)}`;
  // Tag keys in lexical order, as InfluxDB prefers; an empty tag value is not allowed.
  for (const tag of PLACEMENT_TAGS) {
    const value = reading.tags?.[tag];
    if (value !== undefined && value !== '') series += `,${tag}=${escapeKey(value)}`;
  }
  return `${series} ${fields} ${Math.round(reading.ts)}`;
}

/** Line-protocol bodies of at most `maxLines` lines each, in input order. */
export function toLineBatches(
  readings: readonly PlacedReading[],
  maxLines: number,
): { body: string; lines: number }[] {
  const bodies: { body: string; lines: number }[] = [];
  let lines: string[] = [];
  for (const reading of readings) {
    const line = toLine(reading);
    if (line === undefined) continue;
    lines.push(line);
    if (lines.length === maxLines) {
      bodies.push({ body: lines.join('\n'), lines: lines.length });
      lines = [];
    }
  }
  if (lines.length > 0) bodies.push({ body: lines.join('\n'), lines: lines.length });
  return bodies;
}
