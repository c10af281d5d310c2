import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { PacketSizeScanner } from './packet-size.ts';

const publish = (payloadBytes: number) =>
  mqttPacket.generate({
    cmd: 'publish',
    topic: 'devices/a/readings',
    payload: Buffer.alloc(payloadBytes, 0x20),
    qos: 0,
    retain: false,
    dup: false,
  });

describe('PacketSizeScanner', () => {
  it('lets packets up to the limit through, however the stream is cut', () => {
    const stream = Buffer.concat([publish(10), publish(200), publish(1000), publish(0)]);
    for (const cut of [1, 2, 3, 7, 64, stream.length]) {
      const scanner = new PacketSizeScanner(1100);
      for (let at = 0; at < stream.length; at += cut) {
        expect(scanner.feed(stream.subarray(at, at + cut))).toBeUndefined();
      }
    }
  });

  it('refuses a packet over the limit from its header alone', () => {
    const scanner = new PacketSizeScanner(1024);
    expect(scanner.feed(publish(100))).toBeUndefined();
    const big = publish(5000);
    expect(scanner.feed(big.subarray(0, 3))).toMatch(/larger than the 1024 allowed/);
  });

  it('refuses a header announcing 256 MB before any body arrives', () => {
    // 0x30 PUBLISH, remaining length 268,435,455 (the MQTT maximum) in four bytes
    const header = Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]);
    expect(new PacketSizeScanner(256 * 1024).feed(header)).toMatch(/larger than/);
  });

  it('refuses a remaining length longer than four bytes', () => {
    const header = Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(new PacketSizeScanner(Number.MAX_SAFE_INTEGER).feed(header)).toBe(
      'malformed remaining length',
    );
  });
});
