import { isMetricName } from '@sensegrid/twin';

/** Epoch milliseconds or an ISO 8601 string from a query string; undefined when absent. */
export function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new BadRequest(
      `"${name}" must be epoch milliseconds or an ISO 8601 time, not ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

export class BadRequest extends Error {
  readonly statusCode = 400;
  readonly code = 'SENSEGRID_BAD_REQUEST';
}

export interface SeriesParams {
  device: string;
  metric: string;
  from: number;
  to: number;
  points: number;
}

export const MAX_SERIES_POINTS = 10_000;

/** Checks `/api/series` query parameters; defaults to the last 24 hours at 500 points. */
export function parseSeriesQuery(
  query: Record<string, string | undefined>,
  now: number,
): SeriesParams {
  const { device, metric } = query;
  if (!device) throw new BadRequest('"device" is required: /api/series?device=<id>&metric=<name>');
  if (!metric || !isMetricName(metric)) {
    throw new BadRequest('"metric" is required and must match [a-z][a-z0-9_]{0,63}');
  }
  const to = parseTime(query.to, 'to') ?? now;
  const from = parseTime(query.from, 'from') ?? to - 24 * 3600 * 1000;
  if (from > to) throw new BadRequest('"from" must not be after "to"');
  const points = query.points === undefined ? 500 : Number(query.points);
  if (!Number.isInteger(points) || points < 1 || points > MAX_SERIES_POINTS) {
    throw new BadRequest(`"points" must be a whole number from 1 to ${MAX_SERIES_POINTS}`);
  }
  return { device, metric, from, to, points };
}
