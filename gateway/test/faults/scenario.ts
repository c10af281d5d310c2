import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { startFleet, type Fleet } from '@sensegrid/firmware-sim';
import type { GatewayProcess } from './gateway-process.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error; // e.g. the gateway is restarting; keep polling
    }
    await sleep(intervalMs);
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}

export interface LoadOptions {
  devices?: number;
  intervalMs?: number;
  seed?: number;
}

/** A simulated fleet at QoS 1 with a per-device seq, no sensor gaps. */
export function startLoad(url: string, options: LoadOptions = {}): Promise<Fleet> {
  return startFleet({
    url,
    devices: options.devices ?? 50,
    intervalMs: options.intervalMs ?? 100,
    qos: 1,
    seed: options.seed ?? 7,
    startTime: Date.now(),
    gapRate: 0,
    // Long enough that acknowledgements held back by a full log still arrive after recovery.
    stopTimeoutMs: 15_000,
  });
}

/** Acknowledged readings per second between two `fleet.stats()` samples. */
export function ackRate(
  from: { acked: number; at: number },
  to: { acked: number; at: number },
): number {
  return ((to.acked - from.acked) * 1000) / Math.max(1, to.at - from.at);
}

export function ackSample(fleet: Fleet): { acked: number; at: number } {
  return { acked: fleet.stats().acked, at: Date.now() };
}

/**
 * Waits until the store has confirmed everything the log held up to `lsn` (the backlog of an
 * outage) and returns how long that took from `since`, in ms.
 */
export async function waitCaughtUp(
  gateway: GatewayProcess,
  lsn: number,
  since: number,
  timeoutMs = 60_000,
): Promise<number> {
  await waitFor(
    `the write-ahead log to be stored up to LSN ${lsn}`,
    async () => ((await gateway.health()).wal.checkpointLsn >= lsn ? true : undefined),
    timeoutMs,
  );
  return Date.now() - since;
}

/** Waits until nothing is pending in the write-ahead log; returns the wait in ms. */
export async function waitDrained(gateway: GatewayProcess, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  await waitFor(
    'the write-ahead log to drain',
    async () => ((await gateway.health()).wal.pendingReadings === 0 ? true : undefined),
    timeoutMs,
  );
  return Date.now() - started;
}

/**
 * Rewinds the log's checkpoint so the next start replays every segment still on disk (named
 * `wal-<first LSN>.log`, see wal-segments.ts); returns those segments and their sizes.
 */
export async function rewindWalCheckpoint(
  dataDir: string,
): Promise<{ name: string; bytes: number }[]> {
  const dir = join(dataDir, 'wal');
  await fs.writeFile(join(dir, 'checkpoint'), '0\n');
  const names = (await fs.readdir(dir)).filter((name) => /^wal-\d{16}\.log$/.test(name));
  return Promise.all(
    names.map(async (name) => ({ name, bytes: (await fs.stat(join(dir, name))).size })),
  );
}
