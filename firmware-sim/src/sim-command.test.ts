import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startTestBroker } from '../test/broker.ts';
import type { TestBroker } from '../test/broker.ts';
import { startSubscriber } from '../test/subscriber.ts';
import { waitFor } from '../test/wait.ts';
import { runSimCommand } from './sim-command.ts';

function captureIo(isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s), isTTY },
      stderr: { write: (s: string) => err.push(s) },
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('runSimCommand', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.close();
  });

  it.each([
    [['--qos', '2'], '--qos must be 0 or 1'],
    [['--devices', 'lots'], '--devices must be a whole number'],
    [['--interval', '0'], '--interval must be a whole number >= 10'],
    [['--duration', '-1'], '--duration must be a number of seconds'],
    [['--url', 'http://127.0.0.1:1883'], '--url must look like mqtt://host:port'],
    [['--start-time', 'yesterday'], '--start-time must be epoch milliseconds or ISO 8601'],
    [['--username', 'fleet'], '--username needs --password'],
    [['--colour', 'red'], 'unknown flag --colour'],
    [['--url'], '--url needs a value'],
    [['extra'], 'unexpected argument "extra"'],
  ])('returns exit code 2 for %j and says what is wrong', async (argv, message) => {
    const run = captureIo();
    expect(await runSimCommand(argv, run.io)).toBe(2);
    expect(run.stderr()).toContain(message);
    expect(run.stderr()).toContain('--help');
    expect(run.stdout()).toBe('');
  });

  it('reports every bad flag at once', async () => {
    const run = captureIo();
    expect(await runSimCommand(['--qos', '3', '--devices', '-4'], run.io)).toBe(2);
    expect(run.stderr()).toContain('--qos');
    expect(run.stderr()).toContain('--devices');
  });

  it('prints usage for --help', async () => {
    const run = captureIo();
    expect(await runSimCommand(['--help'], run.io)).toBe(0);
    expect(run.stdout()).toContain('Usage: sensegrid sim');
    expect(run.stdout()).toContain('--interval <ms>');
  });

  it('runs for --duration, prints progress lines and a summary, and exits 0', async () => {
    const run = captureIo();
    const args = ['--url', broker.url, '--devices', '3', '--interval', '100', '--duration', '1.2'];
    expect(await runSimCommand(args, run.io)).toBe(0);
    const lines = run.stdout().trim().split('\n');
    expect(lines[0]).toContain('3 devices');
    expect(lines.some((l) => /3\/3 connected {2}sent \d+ {2}acked \d+ {2}\d+\/s/.test(l))).toBe(
      true,
    );
    expect(lines.at(-1)).toMatch(
      /stopped after .* 3 devices, \d+ readings sent, \d+ acked, 0 dropped/,
    );
    expect(run.stdout()).not.toContain('\r');
  });

  it('rewrites one progress line on a terminal', async () => {
    const run = captureIo(true);
    const args = ['--url', broker.url, '--devices', '2', '--interval', '100', '--duration', '1.5'];
    expect(await runSimCommand(args, run.io)).toBe(0);
    expect(run.stdout()).toContain('\r2/2 connected');
  });

  it('stops cleanly when aborted and leaves the devices offline', async () => {
    const run = captureIo();
    const controller = new AbortController();
    const status = await startSubscriber(broker.url, ['devices/+/status']);
    try {
      const done = runSimCommand(['--url', broker.url, '--devices', '4', '--seed', '9'], {
        ...run.io,
        signal: controller.signal,
      });
      await waitFor(
        'all online',
        () => [...status.latest.values()].filter((v) => v === 'online').length === 4,
      );
      controller.abort();
      expect(await done).toBe(0);
      expect(run.stdout()).toMatch(/stopped after .* 4 devices/);
      await waitFor('all offline', () => [...status.latest.values()].every((v) => v === 'offline'));
    } finally {
      await status.close();
    }
  });

  it('exits 1 and says how to fix it when no device can connect', async () => {
    const run = captureIo();
    const url = `mqtt://127.0.0.1:${await closedPort()}`;
    expect(await runSimCommand(['--url', url, '--devices', '2', '--duration', '0.5'], run.io)).toBe(
      1,
    );
    expect(run.stderr()).toContain('SENSEGRID_SIM_UNREACHABLE');
    expect(run.stderr()).toContain(url);
  });
});
