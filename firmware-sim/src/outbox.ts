import type { MqttClient } from 'mqtt';
import { BoundedQueue } from './bounded-queue.ts';
import { SeqSet } from './seq-set.ts';
import type { SignalValues } from './signals.ts';

/** One reading as a device publishes it. */
export interface SimReading {
  ts: number;
  seq: number;
  values: SignalValues;
}

export interface OutboxOptions {
  topic: string;
  qos: 0 | 1;
  /** Readings per message: 1 sends a JSON object, more a JSON array. */
  batch: number;
  /** Readings kept while offline or while too many messages await acknowledgement. */
  bufferLimit: number;
  /** Messages awaiting acknowledgement before new readings wait in the buffer. */
  maxInFlight: number;
  onError: (error: Error) => void;
  /** Called after each message is acknowledged or fails. */
  onSettled: () => void;
}

/**
 * A device's outgoing readings: a bounded buffer that drops (and records) the oldest when
 * full, a window of messages in flight, and an exact record of which seqs were handed to the
 * MQTT client, acknowledged, and dropped.
 */
export class Outbox {
  readonly #o: OutboxOptions;
  readonly #buffer: BoundedQueue<SimReading>;
  readonly sentSeqs = new SeqSet();
  readonly ackedSeqs = new SeqSet();
  readonly droppedSeqs = new SeqSet();
  #client: MqttClient | undefined;
  #flushPartial = false;
  #inFlight = 0;

  constructor(options: OutboxOptions) {
    this.#o = options;
    this.#buffer = new BoundedQueue(options.bufferLimit);
  }

  get buffered(): number {
    return this.#buffer.size;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get sent(): number {
    return this.sentSeqs.size;
  }

  get acked(): number {
    return this.ackedSeqs.size;
  }

  get dropped(): number {
    return this.droppedSeqs.size;
  }

  /** Publishes through `client` from now on, starting with what is buffered. */
  online(client: MqttClient): void {
    this.#client = client;
    this.drain();
  }

  /** Keeps new readings in the buffer until `online` again. */
  offline(): void {
    this.#client = undefined;
  }

  /** Sends a last, partial batch too instead of waiting for it to fill (when stopping). */
  flushPartialBatches(): void {
    this.#flushPartial = true;
    this.drain();
  }

  add(reading: SimReading): void {
    const dropped = this.#buffer.push(reading);
    if (dropped) this.droppedSeqs.add(dropped.seq);
    this.drain();
  }

  /** Publishes buffered readings while online and under the in-flight limit. */
  drain(): void {
    const minimum = this.#flushPartial ? 1 : this.#o.batch;
    while (this.#client && this.#inFlight < this.#o.maxInFlight) {
      if (this.#buffer.size < minimum) return;
      this.#publish(this.#client, this.#buffer.take(this.#o.batch));
    }
  }

  #publish(client: MqttClient, readings: SimReading[]): void {
    const payload = JSON.stringify(this.#o.batch === 1 ? readings[0] : readings);
    for (const r of readings) this.sentSeqs.add(r.seq);
    this.#inFlight++;
    // QoS 1: called on PUBACK. QoS 0: called once written to the socket.
    client.publish(this.#o.topic, payload, { qos: this.#o.qos }, (error) => {
      this.#inFlight--;
      if (error) this.#o.onError(error);
      else for (const r of readings) this.ackedSeqs.add(r.seq);
      this.drain();
      this.#o.onSettled();
    });
  }
}
