import { createCadence, trackCadence, usualIntervalMs, type Cadence } from '../detect/cadence.ts';
import { connectFrom, disconnectFrom, type AddressSeen } from './traffic/address-history.ts';
import {
  createEventWindow,
  recordEvent,
  windowCapacity,
  type EventWindow,
} from './traffic/event-window.ts';
import { FindingLog, type FindingSubject, type TrafficKind } from './traffic/finding-log.ts';
import { scoreOf, trafficOptions, type TrafficOptions } from './traffic/options.ts';
import {
  countPublish,
  createRateBaseline,
  rollRate,
  silentForMs,
  type RateBaseline,
} from './traffic/rate-baseline.ts';
import { createSizeBaseline, measurePayload, type SizeBaseline } from './traffic/size-baseline.ts';
import { createTopicSet, learnTopic, type TopicSet } from './traffic/topic-set.ts';
import { buildSecurityReport, type SecurityReport } from './traffic-monitor-report.ts';

/** One abnormal behaviour of a device or an address (or the end of one: `clear`). */
export interface TrafficFinding {
  kind: TrafficKind;
  device?: string;
  address?: string;
  /** 0..1. */
  score: number;
  tsMs: number;
  explanation: string;
  clear?: boolean;
}

/** What the monitor keeps per client id (a device's id when it logs in as one). */
export interface DeviceTraffic {
  id: string;
  /** The device as findings name it (made once: nothing is allocated per publish). */
  subject: FindingSubject;
  publishes: number;
  rate: RateBaseline;
  size: SizeBaseline;
  topics: TopicSet;
  connects: EventWindow;
  /** The usual interval between its connections, learnt like a series' cadence. */
  connectCadence: Cadence;
  addresses: AddressSeen[];
  silent: boolean;
}

interface AddressTraffic {
  failures: EventWindow;
  lastMs: number;
}

export interface TrafficMonitor {
  readonly options: TrafficOptions;
  /** A publish the broker received (refused ones included), before it is acknowledged. */
  published(clientId: string, topic: string, bytes: number, nowMs: number): void;
  connected(clientId: string, address: string | undefined, nowMs: number): void;
  disconnected(clientId: string, address: string | undefined, nowMs: number): void;
  authFailed(address: string | undefined, clientId: string, nowMs: number): void;
  /** Judges silence and ended floods; call every few seconds. */
  check(nowMs: number): void;
  /** Devices and addresses that misbehave now or did recently. */
  report(nowMs: number): SecurityReport;
  device(id: string): DeviceTraffic | undefined;
}

/** Connections within the churn window past this many times the usual count are churn. */
const CHURN_FACTOR = 3;

const about = (subject: FindingSubject) =>
  subject.type === 'device' ? { device: subject.id } : { address: subject.id };
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Learns each device's usual traffic and reports what departs from it. Every method is a
 * step over explicit state with the time passed in; memory stays bounded by the options.
 */
export function createTrafficMonitor(
  onFinding: (finding: TrafficFinding) => void,
  overrides: Partial<TrafficOptions> = {},
): TrafficMonitor {
  const o = trafficOptions(overrides);
  const devices = new Map<string, DeviceTraffic>();
  const addresses = new Map<string, AddressTraffic>();
  const log = new FindingLog(o.recentMs, o.maxDevices + o.maxAddresses);

  function raise(
    subject: FindingSubject,
    kind: TrafficKind,
    nowMs: number,
    score: number,
    explanation: string,
  ) {
    if (!log.note(subject, kind, nowMs, { score, explanation }, o.repeatMs)) return;
    onFinding({ kind, ...about(subject), score, tsMs: nowMs, explanation });
  }
  function clear(subject: FindingSubject, kind: TrafficKind, nowMs: number, explanation: string) {
    if (!log.end(subject, kind, nowMs)) return;
    onFinding({ kind, ...about(subject), score: 0, tsMs: nowMs, explanation, clear: true });
  }

  function deviceState(id: string, nowMs: number): DeviceTraffic {
    let state = devices.get(id);
    if (state) return state;
    if (devices.size >= o.maxDevices) {
      const oldest = devices.keys().next().value;
      if (oldest !== undefined) devices.delete(oldest);
    }
    state = {
      id,
      subject: { type: 'device', id },
      publishes: 0,
      rate: createRateBaseline(nowMs),
      size: createSizeBaseline(),
      topics: createTopicSet(),
      connects: createEventWindow(),
      connectCadence: createCadence(),
      addresses: [],
      silent: false,
    };
    devices.set(id, state);
    return state;
  }

  function judgeRate(d: DeviceTraffic, bytes: number, nowMs: number) {
    const subject = d.subject;
    const event = countPublish(d.rate, bytes, nowMs, o);
    if (event === 'flood') {
      // Over the part of the bucket that has run: the flood is flagged while it fills.
      const seconds = Math.max(nowMs - d.rate.bucketStartMs, 50) / 1000;
      const rate = d.rate.bucketMsgs / seconds;
      const ratio = rate / Math.max(d.rate.usualMsgsPerSec, 1e-3);
      raise(
        subject,
        'flood',
        nowMs,
        scoreOf(ratio, o.floodFactor),
        `device ${d.id} publishes ${round(rate)} messages/s, ${round(ratio)}x its usual ${round(d.rate.usualMsgsPerSec, 2)}/s`,
      );
    } else if (event === 'calm') {
      clear(
        subject,
        'flood',
        nowMs,
        `device ${d.id} is back to ${round(d.rate.lastMsgsPerSec, 2)} messages/s`,
      );
    }
  }

  function judgePayload(d: DeviceTraffic, topic: string, bytes: number, nowMs: number) {
    const subject = d.subject;
    if (learnTopic(d.topics, topic, d.publishes, o)) {
      raise(
        subject,
        'new_topic',
        nowMs,
        0.6,
        `device ${d.id} published to ${topic.slice(0, 200)}, a topic it had not used before (it uses ${d.topics.topics.length} topics)`,
      );
    }
    const ratio = measurePayload(d.size, bytes, o);
    if (ratio > 0) {
      raise(
        subject,
        'oversized',
        nowMs,
        scoreOf(ratio, o.oversizedFactor),
        `device ${d.id} sent a ${bytes}-byte payload, ${round(ratio)}x its usual ${Math.round(d.size.usualBytes)} bytes`,
      );
    }
  }

  return {
    options: o,
    published(clientId, topic, bytes, nowMs) {
      const d = deviceState(clientId, nowMs);
      if (d.silent) {
        d.silent = false;
        const quietS = Math.round((nowMs - d.rate.lastPublishMs) / 1000);
        clear(d.subject, 'silence', nowMs, `device ${d.id} publishes again after ${quietS} s`);
      }
      judgeRate(d, bytes, nowMs);
      judgePayload(d, topic, bytes, nowMs);
      d.publishes++;
    },

    connected(clientId, address, nowMs) {
      const d = deviceState(clientId, nowMs);
      const subject = d.subject;
      const recent = recordEvent(
        d.connects,
        nowMs,
        windowCapacity(o.churnConnects),
        o.churnWindowMs,
      );
      // A device that reconnects often by habit (one that sleeps between publishes) is not
      // churning: judged against its own usual interval once that is known, which only
      // connections outside a burst teach.
      const usualMs = usualIntervalMs(d.connectCadence);
      if (Number.isNaN(usualMs) || recent < o.churnConnects) trackCadence(d.connectCadence, nowMs);
      const expected = Number.isNaN(usualMs) ? 0 : o.churnWindowMs / usualMs;
      if (recent >= o.churnConnects && recent > CHURN_FACTOR * expected) {
        const habit = Number.isNaN(usualMs) ? '' : `, usually every ${round(usualMs / 1000)} s`;
        raise(
          subject,
          'churn',
          nowMs,
          scoreOf(recent, Math.max(o.churnConnects, CHURN_FACTOR * expected)),
          `client id ${clientId} connected ${recent} times within ${Math.round(o.churnWindowMs / 1000)} s${habit}${address ? ` (latest from ${address})` : ''}`,
        );
      }
      if (address === undefined) return;
      const other = connectFrom(d.addresses, address, nowMs, o.sharedIdWindowMs);
      if (!other) return;
      const when =
        other.open > 0
          ? 'while it is connected'
          : `${Math.round((nowMs - other.lastMs) / 1000)} s after it was last used`;
      raise(
        subject,
        'shared_id',
        nowMs,
        other.open > 0 ? 0.9 : 0.6,
        `client id ${clientId} connected from ${address} ${when} from ${other.address}`,
      );
    },

    disconnected(clientId, address, nowMs) {
      const d = devices.get(clientId);
      if (d && address !== undefined) disconnectFrom(d.addresses, address, nowMs);
    },

    authFailed(address, clientId, nowMs) {
      if (address === undefined) return;
      let a = addresses.get(address);
      if (!a) {
        if (addresses.size >= o.maxAddresses) {
          const oldest = addresses.keys().next().value;
          if (oldest !== undefined) addresses.delete(oldest);
        }
        a = { failures: createEventWindow(), lastMs: nowMs };
        addresses.set(address, a);
      }
      a.lastMs = nowMs;
      const recent = recordEvent(
        a.failures,
        nowMs,
        windowCapacity(o.authFailures),
        o.authFailureWindowMs,
      );
      if (recent < o.authFailures) return;
      raise(
        { type: 'address', id: address },
        'auth_failures',
        nowMs,
        scoreOf(recent, o.authFailures),
        `${recent} failed logins from ${address} within ${Math.round(o.authFailureWindowMs / 1000)} s (latest as client id ${clientId.slice(0, 64)})`,
      );
    },

    check(nowMs) {
      for (const d of devices.values()) {
        if (d.rate.flooding && rollRate(d.rate, nowMs, o) === 'calm') {
          clear(d.subject, 'flood', nowMs, `device ${d.id} stopped flooding`);
        }
        const quietMs = d.silent ? 0 : silentForMs(d.rate, nowMs, o);
        if (quietMs > 0) {
          d.silent = true;
          const usualS = 1 / d.rate.usualMsgsPerSec;
          raise(
            d.subject,
            'silence',
            nowMs,
            scoreOf(quietMs / 1000 / usualS, o.silenceFactor),
            `device ${d.id} has not published for ${Math.round(quietMs / 1000)} s; it usually publishes every ${round(usualS)} s`,
          );
        }
      }
      for (const [address, a] of addresses) {
        if (nowMs - a.lastMs > o.authFailureWindowMs) addresses.delete(address);
      }
      log.forgetOld(nowMs);
    },

    report: (nowMs) => buildSecurityReport(log.recent(nowMs), devices, nowMs, o),
    device: (id) => devices.get(id),
  };
}
