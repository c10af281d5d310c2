import type { DeviceTraffic } from './traffic-monitor.ts';
import type { SubjectRecord, TrafficKind } from './traffic/finding-log.ts';
import type { TrafficOptions } from './traffic/options.ts';
import { recentRate } from './traffic/rate-baseline.ts';

export interface KindReport {
  kind: TrafficKind;
  count: number;
  firstMs: number;
  lastMs: number;
  score: number;
  explanation: string;
  /** Going on now: an episode not yet over, or an event within the repeat interval. */
  now: boolean;
}

export interface SubjectReport {
  id: string;
  /** Misbehaving now (any of its kinds). */
  now: boolean;
  lastMs: number;
  kinds: KindReport[];
}

export interface DeviceReport extends SubjectReport {
  /** Current traffic next to the device's usual traffic. */
  rate?: {
    msgsPerSec: number;
    usualMsgsPerSec: number;
    bytesPerSec: number;
    usualBytesPerSec: number;
  };
  /** Addresses the client id connected from lately. */
  addresses: string[];
}

export type AddressReport = SubjectReport;

export interface SecurityReport {
  nowMs: number;
  devices: DeviceReport[];
  addresses: AddressReport[];
}

const round = (value: number) => Math.round(value * 100) / 100;

/** The security view: subjects with findings, most recent first, with their rates. */
export function buildSecurityReport(
  records: SubjectRecord[],
  devices: ReadonlyMap<string, DeviceTraffic>,
  nowMs: number,
  o: TrafficOptions,
): SecurityReport {
  const report: SecurityReport = { nowMs, devices: [], addresses: [] };
  for (const record of records) {
    const kinds = [...record.kinds.values()]
      .map((k) => ({
        kind: k.kind,
        count: k.count,
        firstMs: k.firstMs,
        lastMs: k.lastMs,
        score: k.score,
        explanation: k.explanation,
        now:
          k.active || (k.kind !== 'flood' && k.kind !== 'silence' && nowMs - k.lastMs < o.repeatMs),
      }))
      .sort((a, b) => b.lastMs - a.lastMs);
    const base = { id: record.id, now: kinds.some((k) => k.now), lastMs: record.lastMs, kinds };
    if (record.type === 'address') {
      report.addresses.push(base);
      continue;
    }
    const device = devices.get(record.id);
    report.devices.push({
      ...base,
      rate: device ? rateOf(device, nowMs, o) : undefined,
      addresses: device?.addresses.map((a) => a.address) ?? [],
    });
  }
  return report;
}

function rateOf(device: DeviceTraffic, nowMs: number, o: TrafficOptions) {
  const recent = recentRate(device.rate, nowMs, o);
  return {
    msgsPerSec: round(recent.msgsPerSec),
    usualMsgsPerSec: round(device.rate.usualMsgsPerSec),
    bytesPerSec: round(recent.bytesPerSec),
    usualBytesPerSec: round(device.rate.usualBytesPerSec),
  };
}
