import type { Logger } from 'pino';
import type { PlacedReading } from '@sensegrid/twin';
import type { Metrics } from '../metrics.ts';
import type { DeviceRegistry } from '../twin-state/registry.ts';
import { decodeReadings } from './decode.ts';
import type { Rejection, RejectReason } from './decode-result.ts';
import type { WriteAheadLog } from './wal.ts';
import { SeqClock } from './seq-clock.ts';
import type { DeviceTopic } from './topics.ts';

export interface IngestDeps {
  wal: WriteAheadLog;
  registry: DeviceRegistry;
  metrics: Metrics;
  log: Logger;
  /** Receive time, epoch ms. */
  now?: () => number;
  /** Times of recent seqs, seeded from the write-ahead log after a restart. */
  seqClock?: SeqClock;
}

export type ReadingsListener = (readings: readonly PlacedReading[]) => void;

export interface Ingest {
  /**
   * Takes one device publish. Resolves when it may be acknowledged: readings are in the
   * write-ahead log, or the payload was refused and counted. Rejects only when the log
   * cannot take it (then the publish must not be acknowledged).
   */
  handle(topic: DeviceTopic, payload: Buffer): Promise<Rejection | undefined>;
  /** Totals since start. */
  readonly counts: { readings: number; refused: number };
  /** Called with every batch of readings once it is durable. Returns the unsubscribe. */
  onReadings(listener: ReadingsListener): () => void;
}

export function createIngest(deps: IngestDeps): Ingest {
  const { wal, registry, metrics, log } = deps;
  const now = deps.now ?? Date.now;
  const listeners = new Set<ReadingsListener>();
  const seqClock = deps.seqClock ?? new SeqClock();
  const lastStamp = new Map<string, number>();

  /**
   * The time of a reading sent without one: the original's for a retransmitted seq, else the
   * receive time, moved on by a millisecond where needed so that a device sending faster than
   * once a millisecond keeps every reading as its own point.
   */
  const stamp = (device: string, seq: number | undefined, receivedAt: number): number => {
    const recalled = seq === undefined ? undefined : seqClock.recall(device, seq, receivedAt);
    if (recalled !== undefined) return recalled;
    const last = lastStamp.get(device) ?? -Infinity;
    const ts = receivedAt > last ? receivedAt : last + 1;
    lastStamp.set(device, ts);
    return ts;
  };
  const counts = { readings: 0, refused: 0 };
  const publishesByKind = {
    readings: metrics.publishes.labels('readings'),
    status: metrics.publishes.labels('status'),
    meta: metrics.publishes.labels('meta'),
    commands: metrics.publishes.labels('commands'),
  };

  const refuse = (device: string, reason: RejectReason, detail: string): Rejection => {
    const record = registry.touch(device);
    record.rejected++;
    counts.refused++;
    metrics.payloadsRejected.inc({ reason });
    // Log the 1st, 10th, 100th... refusal of a device so a broken one cannot flood the log.
    if (Number.isInteger(Math.log10(record.rejected))) {
      log.warn({ device, reason, detail, rejected: record.rejected }, 'payload refused');
    }
    return { ok: false, reason, detail };
  };

  async function handleReadings(device: string, payload: Buffer): Promise<Rejection | undefined> {
    const receivedAt = now();
    const decoded = decodeReadings(device, payload, receivedAt, (seq, at) =>
      stamp(device, seq, at),
    );
    if (!decoded.ok) return refuse(device, decoded.reason, decoded.detail);
    const tags = registry.tags(device);
    const placed: PlacedReading[] = decoded.readings.map((reading) => ({ ...reading, tags }));
    await wal.append(placed);
    for (const reading of placed) {
      if (reading.seq !== undefined) seqClock.remember(device, reading.seq, reading.ts);
    }
    const record = registry.touch(device);
    record.readings += placed.length;
    record.lastSeen = receivedAt;
    if (record.status !== 'online') record.status = 'online';
    metrics.readingsReceived.inc(placed.length);
    counts.readings += placed.length;
    for (const listener of listeners) listener(placed);
    return undefined;
  }

  return {
    counts,
    async handle({ device, kind }, payload) {
      publishesByKind[kind].inc();
      switch (kind) {
        case 'readings':
          return handleReadings(device, payload);
        case 'status': {
          const status = payload.toString('utf8').trim();
          if (status !== 'online' && status !== 'offline') {
            return refuse(device, 'bad_status', 'status is "online" or "offline"');
          }
          registry.setStatus(device, status);
          return undefined;
        }
        case 'meta': {
          if (payload.length === 0) return undefined; // a cleared retained message
          let meta: unknown;
          try {
            meta = JSON.parse(payload.toString('utf8'));
          } catch {
            return refuse(device, 'bad_meta', 'meta is not valid JSON');
          }
          const problem = registry.applyMeta(device, meta as Record<string, unknown>);
          return problem ? refuse(device, 'bad_meta', problem) : undefined;
        }
        default:
          return undefined;
      }
    },
    onReadings(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
