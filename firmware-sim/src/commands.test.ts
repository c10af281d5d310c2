import { describe, expect, it } from 'vitest';
import { parseCommand } from './commands.ts';

describe('parseCommand', () => {
  it('reads a reporting interval', () => {
    expect(parseCommand('{"interval_ms":5000}')).toEqual({ ok: true, intervalMs: 5000 });
  });

  it('ignores fields it does not know', () => {
    expect(parseCommand('{"reboot":true}')).toEqual({ ok: true });
  });

  it('rejects intervals that are not sensible numbers', () => {
    for (const body of ['{"interval_ms":"5s"}', '{"interval_ms":0}', '{"interval_ms":1e12}']) {
      expect(parseCommand(body).ok).toBe(false);
    }
  });

  it('rejects payloads that are not a JSON object', () => {
    for (const body of ['nope', '[1]', '42', 'null']) expect(parseCommand(body).ok).toBe(false);
  });
});
