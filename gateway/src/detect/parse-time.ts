const DIGIT_0 = 48;

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * `YYYY-MM-DD[ T]HH:MM[:SS[.fff...]]` without a zone in text[at..end), read as UTC; NaN when
 * it is not that shape. Works on offsets so a CSV line need not be sliced.
 */
export function parseNaiveDateTime(text: string, at = 0, end = text.length): number {
  const length = end - at;
  if (length < 16 || text.charCodeAt(at + 4) !== 45 || text.charCodeAt(at + 7) !== 45) return NaN;
  const sep = text.charCodeAt(at + 10);
  if ((sep !== 32 && sep !== 84) || text.charCodeAt(at + 13) !== 58) return NaN;
  const year = digits(text, at, 4);
  const month = digits(text, at + 5, 2);
  const day = digits(text, at + 8, 2);
  const hour = digits(text, at + 11, 2);
  const minute = digits(text, at + 14, 2);
  let second = 0;
  let ms = 0;
  if (length > 16) {
    if (text.charCodeAt(at + 16) !== 58 || length < 19) return NaN;
    second = digits(text, at + 17, 2);
    if (length > 19) {
      if (text.charCodeAt(at + 19) !== 46 || length < 21) return NaN;
      const fractionDigits = length - 20;
      if (digits(text, at + 20, fractionDigits) < 0) return NaN;
      ms =
        digits(text, at + 20, Math.min(fractionDigits, 3)) *
        10 ** (3 - Math.min(fractionDigits, 3));
    }
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || ms < 0) {
    return NaN;
  }
  return (((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second) * 1000 + ms;
}

/**
 * Reads a timestamp as epoch milliseconds: `YYYY-MM-DD HH:MM:SS` (UTC when no zone is given),
 * any ISO 8601 string, or a number (epoch seconds below 1e11, else milliseconds).
 * Returns NaN when the text is none of these.
 */
export function parseTimestampMs(text: string): number {
  const naive = parseNaiveDateTime(text);
  if (!Number.isNaN(naive)) return naive;
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return NaN;
  return Date.parse(text);
}
