import { describe, expect, it } from 'vitest';
import { decodeReadings } from './decode.ts';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const decode = (body: unknown) =>
  decodeReadings(
    'air-0001',
    Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    NOW,
  );

describe('decodeReadings', () => {
  it('decodes one reading with its time, seq and values', () => {
    expect(decode({ ts: 1764400000000, seq: 42, values: { pm25: 12.3, noise_db: 54.2 } })).toEqual({
      ok: true,
      readings: [
        { device: 'air-0001', ts: 1764400000000, seq: 42, values: { pm25: 12.3, noise_db: 54.2 } },
      ],
    });
  });

  it('uses the receive time when ts is absent and reads ISO 8601 times', () => {
    const plain = decode({ values: { pm25: 1 } });
    expect(plain.ok && plain.readings[0]!.ts).toBe(NOW);
    const iso = decode({ ts: '2026-11-29T11:59:00.500Z', values: { pm25: 1 } });
    expect(iso.ok && iso.readings[0]!.ts).toBe(NOW - 59_500);
  });

  it('stores booleans as 0 and 1', () => {
    const result = decode({ values: { door_open: true, alarm: false } });
    expect(result.ok && result.readings[0]!.values).toEqual({ door_open: 1, alarm: 0 });
  });

  it('decodes an array of readings', () => {
    const result = decode([
      { seq: 1, values: { pm25: 1 } },
      { seq: 2, values: { pm25: 2 } },
    ]);
    expect(result.ok && result.readings.map((r) => r.seq)).toEqual([1, 2]);
  });

  it('gives entries of an array without times distinct times in their order', () => {
    const result = decode([
      { values: { pm25: 1 } },
      { values: { pm25: 2 } },
      { values: { pm25: 3 } },
    ]);
    expect(result.ok && result.readings.map((r) => r.ts)).toEqual([NOW - 2, NOW - 1, NOW]);
  });

  it('stamps readings without a time through the stamp function, and only those', () => {
    const stamp = (seq: number | undefined, at: number) => (seq === 5 ? NOW - 30_000 : at);
    const decodeWith = (body: unknown) =>
      decodeReadings('air-0001', Buffer.from(JSON.stringify(body)), NOW, stamp);
    const again = decodeWith({ seq: 5, values: { pm25: 1 } });
    expect(again.ok && again.readings[0]!.ts).toBe(NOW - 30_000);
    const fresh = decodeWith({ seq: 6, values: { pm25: 1 } });
    expect(fresh.ok && fresh.readings[0]!.ts).toBe(NOW);
    const timed = decodeWith({ ts: NOW - 5, seq: 5, values: { pm25: 1 } });
    expect(timed.ok && timed.readings[0]!.ts).toBe(NOW - 5);
  });

  it.each([
    ['{"values":', 'not_json'],
    ['[]', 'empty'],
    [{ values: {} }, 'empty'],
    [{ values: { PM25: 1 } }, 'bad_metric_name'],
    [{ values: { pm25: 'high' } }, 'bad_value'],
    [{ values: { seq: 3 } }, 'bad_metric_name'],
    [{ values: { device: 1 } }, 'bad_metric_name'],
    [{ values: { pm25: null } }, 'bad_value'],
    [{ ts: 12, values: { pm25: 1 } }, 'bad_timestamp'],
    [{ ts: NOW + 2 * 86_400_000, values: { pm25: 1 } }, 'bad_timestamp'],
    [{ ts: 'yesterday', values: { pm25: 1 } }, 'bad_timestamp'],
    [{ seq: -1, values: { pm25: 1 } }, 'bad_seq'],
    [{ seq: 1.5, values: { pm25: 1 } }, 'bad_seq'],
    [42, 'bad_shape'],
    [{ pm25: 1 }, 'bad_shape'],
    [
      [
        { seq: 1, values: { pm25: 1 } },
        { seq: 2, values: { pm25: 'x' } },
      ],
      'bad_value',
    ],
  ])('refuses %j as %s', (body, reason) => {
    const result = decode(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(reason);
  });
});

describe('SenML packs', () => {
  it('resolves base name, base time and base value as RFC 8428 says', () => {
    const result = decode([
      { bn: 'urn:dev:ow:10e2073a01080063:', bt: 1.764e9, bv: 1, n: 'temp_c', v: 22.5 },
      { n: 'humidity_pct', v: 40, t: 0 },
      { n: 'temp_c', v: 23, t: 60 },
    ]);
    expect(result).toEqual({
      ok: true,
      readings: [
        { device: 'air-0001', ts: 1.764e12, values: { temp_c: 23.5, humidity_pct: 41 } },
        { device: 'air-0001', ts: 1.764e12 + 60_000, values: { temp_c: 24 } },
      ],
    });
  });

  it('treats small resolved times as relative to now and vb as 0/1', () => {
    const result = decode([{ n: 'door_open', vb: true, t: -10 }]);
    expect(result).toEqual({
      ok: true,
      readings: [{ device: 'air-0001', ts: NOW - 10_000, values: { door_open: 1 } }],
    });
  });

  it('refuses string values, bad names and bad base fields', () => {
    expect(decode([{ n: 'status', vs: 'ok' }])).toMatchObject({ ok: false, reason: 'bad_value' });
    expect(decode([{ n: 'Temp', v: 1 }])).toMatchObject({ ok: false, reason: 'bad_metric_name' });
    expect(decode([{ bt: 'now', n: 'temp_c', v: 1 }])).toMatchObject({
      ok: false,
      reason: 'bad_senml',
    });
  });
});
