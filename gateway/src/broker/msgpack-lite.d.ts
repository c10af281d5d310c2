declare module 'msgpack-lite' {
  /** Decodes one MessagePack value (what aedes-persistence-level stores per key). */
  export function decode(input: Buffer | Uint8Array): unknown;
  export function encode(value: unknown): Buffer;
}
