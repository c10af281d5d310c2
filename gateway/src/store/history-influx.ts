import {
  MINUTE_MS,
  type DeviceMinute,
  type HistoryStore,
  type RegionMinute,
} from './history-port.ts';
import {
  quoteIdentifier,
  quoteString,
  rowsOf,
  timeLiteral,
  type InfluxSeries,
} from './influxql.ts';
import { escapeKey, MEASUREMENT, SEQ_FIELD } from './line-protocol.ts';
import { minuteRuns } from '../history/minute-rollup.ts';

/**
 * Measurements beside `readings`, one point per metric and minute, so a query asks for fixed
 * fields and gets no empty columns of other metrics:
 * `readings_1m` (tags device, metric; fields count, sum, min, max, last) and
 * `regions_1m` (tags region, layer, metric; fields count, sum, min, max, sensors).
 */
export const DEVICE_MINUTES = 'readings_1m';
export const REGION_MINUTES = 'regions_1m';

export interface InfluxHistoryAccess {
  database: string;
  query(q: string): Promise<InfluxSeries[]>;
  /** Writes line protocol (ms precision). */
  write(body: string, lines: number): Promise<void>;
}

const LINES_PER_WRITE = 5000;
const DEVICE_COLUMNS = '"device", "metric", "count", "sum", "min", "max", "last"';
const REGION_COLUMNS = '"region", "layer", "metric", "count", "sum", "min", "max", "sensors"';

const deviceLine = (r: DeviceMinute) =>
  `${DEVICE_MINUTES},device=${escapeKey(r.device)},metric=${escapeKey(r.metric)} ` +
  `count=${r.count},sum=${r.sum},min=${r.min},max=${r.max},last=${r.last} ${r.minute}`;

const regionLine = (r: RegionMinute) =>
  `${REGION_MINUTES},${r.layer ? `layer=${escapeKey(r.layer)},` : ''}metric=${escapeKey(r.metric)},` +
  `region=${escapeKey(r.region)} count=${r.count},sum=${r.sum},min=${r.min},max=${r.max},` +
  `sensors=${r.sensors} ${r.minute}`;

const deviceMinuteOf = (row: Record<string, unknown>): DeviceMinute => ({
  device: row.device as string,
  metric: row.metric as string,
  minute: row.time as number,
  count: row.count as number,
  sum: row.sum as number,
  min: row.min as number,
  max: row.max as number,
  last: row.last as number,
});

const regionMinuteOf = (row: Record<string, unknown>): RegionMinute => ({
  region: row.region as string,
  layer: (row.layer as string | null) ?? '',
  metric: row.metric as string,
  minute: row.time as number,
  count: row.count as number,
  sum: row.sum as number,
  min: row.min as number,
  max: row.max as number,
  sensors: row.sensors as number,
});

/** Device minutes of one `GROUP BY time(1m), "device"` series of count/sum/min/max/last(*). */
function aggregatedRows(series: InfluxSeries): DeviceMinute[] {
  const device = (series as InfluxSeries & { tags?: { device?: string } }).tags?.device;
  if (device === undefined) return [];
  const rows: DeviceMinute[] = [];
  for (const row of rowsOf([series])) {
    const byMetric = new Map<string, Record<string, number>>();
    for (const [column, value] of Object.entries(row)) {
      // Columns are `<function>_<field>`: count_pm25, sum_pm25...
      const at = column.indexOf('_');
      if (at < 0 || typeof value !== 'number') continue;
      const metric = column.slice(at + 1);
      if (metric === SEQ_FIELD) continue;
      let fields = byMetric.get(metric);
      if (!fields) byMetric.set(metric, (fields = {}));
      fields[column.slice(0, at)] = value;
    }
    for (const [metric, f] of byMetric) {
      if (!f.count) continue;
      const { sum, min, max, last } = f as Record<'sum' | 'min' | 'max' | 'last', number>;
      rows.push({
        device,
        metric,
        minute: row.time as number,
        count: f.count,
        sum,
        min,
        max,
        last,
      });
    }
  }
  return rows;
}

/** Minute aggregates in the InfluxDB database of the raw readings. */
export function createInfluxHistory(access: InfluxHistoryAccess): HistoryStore {
  const from = (name: string) => `${quoteIdentifier(access.database)}..${quoteIdentifier(name)}`;
  const range = (first: number, last: number) =>
    `time >= ${timeLiteral(first)} AND time <= ${timeLiteral(last)}`;

  async function writeLines(lines: string[]): Promise<void> {
    for (let i = 0; i < lines.length; i += LINES_PER_WRITE) {
      const chunk = lines.slice(i, i + LINES_PER_WRITE);
      await access.write(chunk.join('\n'), chunk.length);
    }
  }

  /** InfluxDB aggregates every device's raw points of a minute range at once. */
  async function refreshRange(first: number, last: number): Promise<void> {
    const series = await access.query(
      `SELECT count(*), sum(*), min(*), max(*), last(*) FROM ${from(MEASUREMENT)} ` +
        `WHERE ${range(first, last + MINUTE_MS - 1)} GROUP BY time(1m), "device" fill(none)`,
    );
    await writeLines(series.flatMap(aggregatedRows).map(deviceLine));
  }

  return {
    async refreshDeviceMinutes(touched) {
      const minutes = [...touched.values()].flatMap((set) => [...set]);
      for (const [first, last] of minuteRuns(minutes)) await refreshRange(first, last);
    },
    refreshRecentMinutes: refreshRange,
    async latestMinute() {
      const series = await access.query(`SELECT last("count") FROM ${from(DEVICE_MINUTES)}`);
      const time = series[0]?.values[0]?.[0];
      return typeof time === 'number' ? time : undefined;
    },
    async deviceMinutes(fromMinute, toMinute) {
      const series = await access.query(
        `SELECT ${DEVICE_COLUMNS} FROM ${from(DEVICE_MINUTES)} WHERE ${range(fromMinute, toMinute)}`,
      );
      return rowsOf(series).map(deviceMinuteOf);
    },
    async deviceSeries(device, metric, fromMinute, toMinute, bucketMs) {
      const offsetMs = ((fromMinute % bucketMs) + bucketMs) % bucketMs;
      const series = await access.query(
        `SELECT sum("sum"), sum("count") FROM ${from(DEVICE_MINUTES)} ` +
          `WHERE "device" = ${quoteString(device)} AND "metric" = ${quoteString(metric)} ` +
          `AND ${range(fromMinute, toMinute)} GROUP BY time(${bucketMs}ms, ${offsetMs}ms) fill(none)`,
      );
      const points: [number, number][] = [];
      for (const { values } of series) {
        for (const [time, total, n] of values) {
          if (
            typeof time === 'number' &&
            typeof total === 'number' &&
            typeof n === 'number' &&
            n > 0
          )
            points.push([time, total / n]);
        }
      }
      return points;
    },
    async writeRegionMinutes(rows) {
      await writeLines(rows.map(regionLine));
    },
    async regionMinutes(region, layer, fromMinute, toMinute) {
      const where =
        `"region" = ${quoteString(region)}` +
        (layer === undefined ? '' : ` AND "layer" = ${quoteString(layer)}`);
      // One series per layer and metric, its rows read by position: a day is thousands of rows.
      const series = await access.query(
        `SELECT "count", "sum", "min", "max", "sensors" FROM ${from(REGION_MINUTES)} ` +
          `WHERE ${where} AND ${range(fromMinute, toMinute)} GROUP BY "layer", "metric"`,
      );
      const rows: RegionMinute[] = [];
      for (const one of series) {
        const tags = (one as InfluxSeries & { tags?: Record<string, string> }).tags ?? {};
        const [layer, metric] = [tags.layer ?? '', tags.metric ?? ''];
        for (const [minute, count, sum, min, max, sensors] of one.values as number[][]) {
          rows.push({
            region,
            layer,
            metric,
            minute: minute!,
            count: count!,
            sum: sum!,
            min: min!,
            max: max!,
            sensors: sensors!,
          });
        }
      }
      return rows.sort((a, b) => a.minute - b.minute);
    },
    async regionsAt(minute) {
      const series = await access.query(
        `SELECT ${REGION_COLUMNS} FROM ${from(REGION_MINUTES)} WHERE time = ${timeLiteral(minute)}`,
      );
      return rowsOf(series).map(regionMinuteOf);
    },
  };
}
