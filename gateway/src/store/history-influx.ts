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

/** Measurements beside `readings`: fields are `<metric>_<aggregate>`. */
export const DEVICE_MINUTES = 'readings_1m';
export const REGION_MINUTES = 'regions_1m';

const DEVICE_AGGREGATES = ['count', 'sum', 'min', 'max', 'last'] as const;
const REGION_AGGREGATES = ['count', 'sum', 'min', 'max', 'sensors'] as const;
const FIELD = /^(.+)_(count|sum|min|max|last|sensors)$/;

export interface InfluxHistoryAccess {
  database: string;
  query(q: string): Promise<InfluxSeries[]>;
  /** Writes line protocol (ms precision). */
  write(body: string, lines: number): Promise<void>;
}

/** Rows of a `SELECT *` on a minute measurement, regrouped per metric. */
function perMetric(row: Record<string, unknown>): Map<string, Record<string, number>> {
  const metrics = new Map<string, Record<string, number>>();
  for (const [column, value] of Object.entries(row)) {
    const match = FIELD.exec(column);
    if (!match || typeof value !== 'number') continue;
    const [, metric, aggregate] = match as unknown as [string, string, string];
    let fields = metrics.get(metric);
    if (!fields) metrics.set(metric, (fields = {}));
    fields[aggregate] = value;
  }
  return metrics;
}

/** Minute aggregates in the InfluxDB database of the raw readings. */
export function createInfluxHistory(access: InfluxHistoryAccess): HistoryStore {
  const from = (name: string) => `${quoteIdentifier(access.database)}..${quoteIdentifier(name)}`;
  const range = (first: number, last: number) =>
    `time >= ${timeLiteral(first)} AND time <= ${timeLiteral(last)}`;

  async function writeLines(lines: string[]): Promise<void> {
    for (let i = 0; i < lines.length; i += 5000) {
      const chunk = lines.slice(i, i + 5000);
      await access.write(chunk.join('\n'), chunk.length);
    }
  }

  /** Aggregates of every device over whole minutes, computed by InfluxDB from raw points. */
  async function aggregateRaw(first: number, last: number): Promise<DeviceMinute[]> {
    const functions = DEVICE_AGGREGATES.map((name) => `${name}(*)`).join(', ');
    const series = await access.query(
      `SELECT ${functions} FROM ${from(MEASUREMENT)} WHERE ${range(first, last + MINUTE_MS - 1)} ` +
        `GROUP BY time(1m), "device" fill(none)`,
    );
    const rows: DeviceMinute[] = [];
    for (const one of series) {
      const device = (one as InfluxSeries & { tags?: { device?: string } }).tags?.device;
      if (device === undefined) continue;
      for (const row of rowsOf([one])) {
        const byMetric = new Map<string, Record<string, number>>();
        for (const [column, value] of Object.entries(row)) {
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
          const minute = row.time as number;
          rows.push({
            device,
            metric,
            minute,
            count: f.count,
            sum: f.sum!,
            min: f.min!,
            max: f.max!,
            last: f.last!,
          });
        }
      }
    }
    return rows;
  }

  function deviceLine(rows: DeviceMinute[]): string {
    const { device, minute } = rows[0]!;
    const fields = rows.flatMap((row) =>
      DEVICE_AGGREGATES.map((name) => `${escapeKey(`${row.metric}_${name}`)}=${row[name]}`),
    );
    return `${DEVICE_MINUTES},device=${escapeKey(device)} ${fields.join(',')} ${minute}`;
  }

  return {
    async refreshDeviceMinutes(touched) {
      const minutes = [...touched.values()].flatMap((set) => [...set]);
      for (const [first, last] of minuteRuns(minutes)) {
        const points = new Map<string, DeviceMinute[]>();
        for (const row of await aggregateRaw(first, last)) {
          const key = `${row.device}\u0000${row.minute}`;
          points.set(key, [...(points.get(key) ?? []), row]);
        }
        await writeLines([...points.values()].map(deviceLine));
      }
    },
    async deviceMinutes(fromMinute, toMinute) {
      const rows = rowsOf(
        await access.query(
          `SELECT * FROM ${from(DEVICE_MINUTES)} WHERE ${range(fromMinute, toMinute)}`,
        ),
      );
      return rows.flatMap((row) =>
        [...perMetric(row)].map(([metric, f]) => ({
          device: row.device as string,
          metric,
          minute: row.time as number,
          count: f.count ?? 0,
          sum: f.sum ?? 0,
          min: f.min ?? NaN,
          max: f.max ?? NaN,
          last: f.last ?? NaN,
        })),
      );
    },
    async deviceSeries(device, metric, fromMinute, toMinute, bucketMs) {
      const offsetMs = ((fromMinute % bucketMs) + bucketMs) % bucketMs;
      const sum = quoteIdentifier(`${metric}_sum`);
      const count = quoteIdentifier(`${metric}_count`);
      const series = await access.query(
        `SELECT sum(${sum}), sum(${count}) FROM ${from(DEVICE_MINUTES)} ` +
          `WHERE "device" = ${quoteString(device)} AND ${range(fromMinute, toMinute)} ` +
          `GROUP BY time(${bucketMs}ms, ${offsetMs}ms) fill(none)`,
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
      const points = new Map<string, RegionMinute[]>();
      for (const row of rows) {
        const key = `${row.region}\u0000${row.layer}\u0000${row.minute}`;
        points.set(key, [...(points.get(key) ?? []), row]);
      }
      const lines = [...points.values()].map((group) => {
        const { region, layer, minute } = group[0]!;
        const fields = group.flatMap((row) =>
          REGION_AGGREGATES.map((name) => `${escapeKey(`${row.metric}_${name}`)}=${row[name]}`),
        );
        const tags = `region=${escapeKey(region)}${layer ? `,layer=${escapeKey(layer)}` : ''}`;
        return `${REGION_MINUTES},${tags} ${fields.join(',')} ${minute}`;
      });
      await writeLines(lines);
    },
    async regionMinutes(region, layer, fromMinute, toMinute) {
      const where =
        `"region" = ${quoteString(region)}` +
        (layer === undefined ? '' : ` AND "layer" = ${quoteString(layer)}`);
      return regionRows(
        await access.query(
          `SELECT * FROM ${from(REGION_MINUTES)} WHERE ${where} AND ${range(fromMinute, toMinute)}`,
        ),
      ).sort((a, b) => a.minute - b.minute);
    },
    async regionsAt(minute) {
      return regionRows(
        await access.query(
          `SELECT * FROM ${from(REGION_MINUTES)} WHERE time = ${timeLiteral(minute)}`,
        ),
      );
    },
  };
}

function regionRows(series: InfluxSeries[]): RegionMinute[] {
  return rowsOf(series).flatMap((row) =>
    [...perMetric(row)].map(([metric, f]) => ({
      region: row.region as string,
      layer: (row.layer as string | null) ?? '',
      metric,
      minute: row.time as number,
      count: f.count ?? 0,
      sum: f.sum ?? 0,
      min: f.min ?? NaN,
      max: f.max ?? NaN,
      sensors: f.sensors ?? 0,
    })),
  );
}
