import { describe, expect, it } from 'vitest';
import {
  connectFrom,
  disconnectFrom,
  type AddressSeen,
} from '../src/guard/traffic/address-history.ts';
import { createEventWindow, recordEvent } from '../src/guard/traffic/event-window.ts';
import { FindingLog } from '../src/guard/traffic/finding-log.ts';
import { trafficOptions, scoreOf } from '../src/guard/traffic/options.ts';
import {
  countPublish,
  createRateBaseline,
  recentRate,
  rollRate,
  silentForMs,
} from '../src/guard/traffic/rate-baseline.ts';
import { createSizeBaseline, measurePayload } from '../src/guard/traffic/size-baseline.ts';
import { createTopicSet, learnTopic } from '../src/guard/traffic/topic-set.ts';
import { createTrafficMonitor, type TrafficFinding } from '../src/guard/traffic-monitor.ts';

const o = trafficOptions({
  bucketMs: 1000,
  warmupBuckets: 3,
  warmupPublishes: 5,
  floodFactor: 10,
  floodMinMsgsPerSec: 5,
  oversizedFactor: 8,
  oversizedMinBytes: 100,
  silenceFactor: 10,
  silenceMinMs: 2000,
  churnConnects: 3,
  churnWindowMs: 1000,
  authFailures: 3,
  authFailureWindowMs: 1000,
  sharedIdWindowMs: 1000,
  repeatMs: 1000,
});

/** Two publishes in each of the buckets [from, to). */
function steady(r: ReturnType<typeof createRateBaseline>, from: number, to: number) {
  const events = [];
  for (let b = from; b < to; b++) {
    events.push(countPublish(r, 10, b * 1000 + 100, o), countPublish(r, 10, b * 1000 + 600, o));
  }
  return events;
}

describe('the rate baseline', () => {
  it('learns a usual rate and flags the publish that takes a bucket past ten times it', () => {
    const r = createRateBaseline(0);
    expect(steady(r, 0, 5).every((e) => e === undefined)).toBe(true);
    rollRate(r, 5000, o);
    expect(r.usualMsgsPerSec).toBeCloseTo(2, 6);
    expect(r.floodLimitMsgs).toBe(20);
    const events = Array.from({ length: 25 }, (_, i) => countPublish(r, 10, 5000 + i * 10, o));
    expect(events.indexOf('flood')).toBe(20); // the 21st publish
    expect(events.filter((e) => e === 'flood')).toHaveLength(1);
  });

  it('ends the flood after a bucket under the limit, having barely learnt from it', () => {
    const r = createRateBaseline(0);
    steady(r, 0, 5);
    for (let i = 0; i < 30; i++) countPublish(r, 10, 5000 + i * 10, o);
    expect(steady(r, 6, 7)).toEqual([undefined, undefined]); // bucket 5 closes: still flooding
    expect(r.usualMsgsPerSec).toBeCloseTo(2 + 0.01 * (30 - 2), 6);
    expect(countPublish(r, 10, 7100, o)).toBe('calm'); // bucket 6 closes under the limit
  });

  it('keeps a flood going through a bucket just under its limit, ending it under half', () => {
    const r = createRateBaseline(0);
    steady(r, 0, 5);
    for (let i = 0; i < 30; i++) countPublish(r, 10, 5000 + i * 10, o); // over 20: a flood
    const events = Array.from({ length: 12 }, (_, i) => countPublish(r, 10, 6000 + i * 50, o));
    expect(events.every((e) => e === undefined)).toBe(true);
    expect(countPublish(r, 10, 7100, o)).toBeUndefined(); // 12 of 20: still high
    expect(r.flooding).toBe(true);
    expect(countPublish(r, 10, 8100, o)).toBe('calm'); // 1 of 20
  });

  it('reports the recent rate without changing the state', () => {
    const r = createRateBaseline(0);
    steady(r, 0, 3);
    expect(recentRate(r, 2500, o)).toEqual({ msgsPerSec: 2, bytesPerSec: 20 });
    expect(recentRate(r, 3500, o)).toEqual({ msgsPerSec: 2, bytesPerSec: 20 });
    expect(recentRate(r, 4000, o)).toEqual({ msgsPerSec: 0, bytesPerSec: 0 });
    expect(r.bucketStartMs).toBe(2000);
  });

  it('calls a device silent after ten usual intervals, and not before its warm-up', () => {
    const r = createRateBaseline(0);
    steady(r, 0, 2);
    expect(silentForMs(r, 60_000, o)).toBe(0); // two buckets closed of three
    steady(r, 2, 5);
    // usual 2/s: ten intervals are 5 s, more than silenceMinMs; the latest publish was at 4600
    expect(silentForMs(r, 9600, o)).toBe(0);
    expect(silentForMs(r, 9700, o)).toBe(5100);
  });
});

describe('the payload size baseline', () => {
  it('flags a payload eight times the usual size and leaves it out of the mean', () => {
    const s = createSizeBaseline();
    for (let i = 0; i < 5; i++) expect(measurePayload(s, 50, o)).toBe(0);
    expect(measurePayload(s, 500, o)).toBe(10);
    expect(s.usualBytes).toBe(50);
    expect(measurePayload(s, 90, o)).toBe(0); // under oversizedMinBytes
  });

  it('judges nothing during the warm-up', () => {
    const s = createSizeBaseline();
    expect(measurePayload(s, 10, o)).toBe(0);
    expect(measurePayload(s, 10_000, o)).toBe(0);
  });
});

describe('the topic set', () => {
  it('learns topics during the warm-up and flags a new one after it, once', () => {
    const t = createTopicSet();
    expect(['a', 'b', 'a', 'b', 'a'].map((topic, i) => learnTopic(t, topic, i, o))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(learnTopic(t, 'c', 5, o)).toBe(true);
    expect(learnTopic(t, 'a', 6, o)).toBe(false);
    expect(learnTopic(t, 'c', 7, o)).toBe(false);
  });

  it('keeps at most maxTopics and calls the rest new every time', () => {
    const t = createTopicSet();
    const small = { ...o, maxTopics: 2 };
    learnTopic(t, 'a', 0, small);
    learnTopic(t, 'b', 1, small);
    expect(learnTopic(t, 'x', 10, small)).toBe(true);
    expect(learnTopic(t, 'a', 11, small)).toBe(false);
    expect(learnTopic(t, 'x', 12, small)).toBe(true);
    expect(t.topics).toEqual(['a', 'b']);
  });
});

describe('the event window', () => {
  it('counts the remembered events within the window', () => {
    const w = createEventWindow();
    expect([0, 500, 900].map((t) => recordEvent(w, t, 3, 1000))).toEqual([1, 2, 3]);
    expect(recordEvent(w, 1600, 3, 1000)).toBe(2); // 900 and 1600
    expect(w.timesMs).toHaveLength(3);
  });
});

describe('the address history', () => {
  it('names the other address a client id is used from', () => {
    const seen: AddressSeen[] = [];
    expect(connectFrom(seen, '10.0.0.1', 0, 1000)).toBeUndefined();
    expect(connectFrom(seen, '10.0.0.2', 10, 1000)?.address).toBe('10.0.0.1');
    disconnectFrom(seen, '10.0.0.1', 20);
    disconnectFrom(seen, '10.0.0.2', 20);
    expect(connectFrom(seen, '10.0.0.2', 500, 1000)?.address).toBe('10.0.0.1');
    disconnectFrom(seen, '10.0.0.2', 600);
    expect(connectFrom(seen, '10.0.0.2', 5000, 1000)).toBeUndefined(); // 10.0.0.1 long gone
  });

  it('remembers at most four addresses', () => {
    const seen: AddressSeen[] = [];
    for (let i = 0; i < 10; i++) {
      connectFrom(seen, `10.0.0.${i}`, i, 1000);
      disconnectFrom(seen, `10.0.0.${i}`, i);
    }
    expect(seen.map((s) => s.address)).toEqual(['10.0.0.6', '10.0.0.7', '10.0.0.8', '10.0.0.9']);
  });
});

describe('the finding log', () => {
  it('raises an event kind at most once per repeat interval and an episode once', () => {
    const log = new FindingLog(10_000, 10);
    const device = { type: 'device', id: 'd' } as const;
    const f = { score: 0.5, explanation: 'x' };
    expect(log.note(device, 'oversized', 0, f, 1000)).toBe(true);
    expect(log.note(device, 'oversized', 500, f, 1000)).toBe(false);
    expect(log.note(device, 'oversized', 1000, f, 1000)).toBe(true);
    expect(log.note(device, 'flood', 0, f, 1000)).toBe(true);
    expect(log.end(device, 'flood', 100)).toBe(true);
    expect(log.end(device, 'flood', 200)).toBe(false);
    expect(log.note(device, 'flood', 300, f, 1000)).toBe(true); // a new episode
    const [record] = log.recent(1000);
    expect(record?.kinds.get('oversized')?.count).toBe(3);
    expect(log.recent(20_000).map((r) => r.id)).toEqual(['d']); // the flood goes on
    log.end(device, 'flood', 20_000);
    expect(log.recent(40_000)).toEqual([]);
  });
});

describe('the traffic monitor', () => {
  it('flags failed logins from one address and names it', () => {
    const found: TrafficFinding[] = [];
    const monitor = createTrafficMonitor((f) => found.push(f), o);
    for (let i = 0; i < 3; i++) monitor.authFailed('192.0.2.7', 'guess', i * 100);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'auth_failures', address: '192.0.2.7', tsMs: 200 });
    expect(found[0]!.explanation).toContain('3 failed logins from 192.0.2.7');
    expect(found[0]!.score).toBe(scoreOf(3, 3));
    for (let i = 3; i < 6; i++) monitor.authFailed('192.0.2.7', 'guess', i * 100);
    expect(found).toHaveLength(1); // raised again only after repeatMs
    const [address] = monitor.report(600).addresses;
    expect(address).toMatchObject({ id: '192.0.2.7', now: true });
    expect(address!.kinds[0]).toMatchObject({ kind: 'auth_failures', count: 4 });
    expect(address!.kinds[0]!.explanation).toContain('6 failed logins from 192.0.2.7');
  });

  it('learns a device that reconnects by habit and flags it only when it reconnects far more', () => {
    const found: TrafficFinding[] = [];
    const habit = { ...o, churnConnects: 6, churnWindowMs: 60_000, repeatMs: 60_000 };
    const monitor = createTrafficMonitor((f) => found.push(f), habit);
    const connect = (t: number) => {
      monitor.connected('sleepy', '10.0.0.9', t);
      monitor.disconnected('sleepy', '10.0.0.9', t + 100);
    };
    for (let t = 0; t <= 100_000; t += 10_000) connect(t); // 11 connections, 10 intervals
    const whileLearning = found.filter((f) => f.kind === 'churn').length;
    expect(whileLearning).toBeGreaterThan(0); // 6 within a minute before its habit is known
    for (let t = 110_000; t <= 300_000; t += 10_000) connect(t);
    expect(found.filter((f) => f.kind === 'churn')).toHaveLength(whileLearning);
    for (let t = 301_000; t <= 330_000; t += 1000) connect(t); // every second now
    const churn = found.filter((f) => f.kind === 'churn');
    expect(churn).toHaveLength(whileLearning + 1);
    const [, times] =
      /^client id sleepy connected (\d+) times within 60 s, usually every 10 s \(latest from 10\.0\.0\.9\)$/.exec(
        churn.at(-1)!.explanation,
      )!;
    expect(Number(times)).toBeGreaterThanOrEqual(18); // 3x the 6 a minute of its habit
  });

  it('flags churn, a shared id, silence and its end, with the device named', () => {
    const found: TrafficFinding[] = [];
    const monitor = createTrafficMonitor((f) => found.push(f), o);
    monitor.connected('dev', '10.0.0.1', 0);
    monitor.disconnected('dev', '10.0.0.1', 10);
    monitor.connected('dev', '10.0.0.1', 20);
    monitor.connected('dev', '10.0.0.2', 30);
    expect(found.map((f) => f.kind)).toEqual(['churn', 'shared_id']);
    expect(found[1]!.explanation).toBe(
      'client id dev connected from 10.0.0.2 while it is connected from 10.0.0.1',
    );
    for (let t = 0; t < 5000; t += 500) monitor.published('dev', 'devices/dev/readings', 20, t);
    monitor.check(10_000); // usual interval 0.5 s: silent after 5 s
    expect(found.at(-1)).toMatchObject({ kind: 'silence', device: 'dev' });
    monitor.published('dev', 'devices/dev/readings', 20, 10_100);
    expect(found.at(-1)).toMatchObject({ kind: 'silence', device: 'dev', clear: true });
    const report = monitor.report(10_200);
    expect(report.devices[0]).toMatchObject({ id: 'dev', addresses: ['10.0.0.1', '10.0.0.2'] });
    expect(report.devices[0]!.kinds.map((k) => k.kind).sort()).toEqual([
      'churn',
      'shared_id',
      'silence',
    ]);
  });
});
