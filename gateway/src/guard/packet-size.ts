import type { Duplex } from 'node:stream';

/**
 * Follows MQTT packet boundaries in a byte stream by their fixed headers alone, so that a packet
 * announcing more than `maxPacketBytes` is caught before the parser buffers any of it.
 */
export class PacketSizeScanner {
  /** Bytes of the current packet body still to pass; -1 while reading a fixed header. */
  private bodyLeft = -1;
  private headerBytes = 0;
  private length = 0;
  private multiplier = 1;

  constructor(private readonly maxPacketBytes: number) {}

  /** Checks the next bytes of the stream; returns what is wrong, or undefined. */
  feed(chunk: Buffer): string | undefined {
    let at = 0;
    while (at < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - at);
        this.bodyLeft -= take;
        at += take;
        if (this.bodyLeft === 0) this.bodyLeft = -1;
        continue;
      }
      const byte = chunk[at++]!;
      if (this.headerBytes === 0) {
        this.headerBytes = 1; // packet type and flags
        continue;
      }
      this.headerBytes++;
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      if (byte & 0x80) {
        // MQTT-2.2.3: the remaining length takes at most four bytes.
        if (this.headerBytes > 4) return 'malformed remaining length';
        continue;
      }
      const total = this.headerBytes + this.length;
      if (total > this.maxPacketBytes) {
        return `a packet of ${total} bytes is larger than the ${this.maxPacketBytes} allowed`;
      }
      this.bodyLeft = this.length === 0 ? -1 : this.length;
      this.headerBytes = 0;
      this.length = 0;
      this.multiplier = 1;
    }
    return undefined;
  }
}

/**
 * Makes every read of `stream` pass the packet size check; a stream that breaks it is destroyed
 * before the broker's parser sees the bytes. Aedes pulls with `read()`, so no extra stream (and
 * no copy) sits in between.
 */
export function guardPacketSize<T extends Duplex>(
  stream: T,
  maxPacketBytes: number,
  onViolation: (problem: string) => void,
): T {
  const scanner = new PacketSizeScanner(maxPacketBytes);
  const read = stream.read.bind(stream);
  stream.read = (size?: number) => {
    const chunk = read(size) as Buffer | null;
    if (chunk === null) return null;
    const problem = scanner.feed(chunk);
    if (problem === undefined) return chunk;
    onViolation(problem);
    stream.destroy();
    return null;
  };
  return stream;
}
