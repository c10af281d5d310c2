import { join, dirname, basename } from 'node:path';
import mqtt from 'mqtt';
import { RecordingWriter } from './recording-file.ts';

export interface RecordOptions {
  url: string;
  topic: string;
  /** The output file, or with rotation the pattern base: `out.ndjson.gz` -> `out-0001.ndjson.gz`. */
  out: string;
  /** Starts a new file past this many uncompressed bytes. */
  rotateBytes?: number;
  /** Starts a new file after this long. */
  rotateMs?: number;
  username?: string;
  password?: string;
  clientId?: string;
  onProgress?: (stats: RecordStats) => void;
}

export interface RecordStats {
  messages: number;
  files: string[];
}

export interface Recorder {
  stats(): RecordStats;
  /** Unsubscribes, closes the current file and resolves with what was written. */
  stop(): Promise<RecordStats>;
}

/** Subscribes to a broker and writes every message that arrives, with its receive time. */
export async function startRecorder(options: RecordOptions): Promise<Recorder> {
  const rotating = options.rotateBytes !== undefined || options.rotateMs !== undefined;
  const files: string[] = [];
  let messages = 0;
  const open = () => {
    const path = rotating ? rotatedName(options.out, files.length + 1) : options.out;
    files.push(path);
    return {
      writer: new RecordingWriter(path, {
        createdAt: Date.now(),
        source: options.url,
        topic: options.topic,
      }),
      openedAt: Date.now(),
    };
  };
  let current = open();
  let closing: Promise<void> = Promise.resolve();
  const client = await mqtt.connectAsync(options.url, {
    clientId: options.clientId ?? `recorder-${process.pid}-${Date.now().toString(36)}`,
    clean: true,
    ...(options.username ? { username: options.username, password: options.password } : {}),
  });
  client.on('message', (topic, payload, packet) => {
    messages++;
    current.writer.write({ t: Date.now(), topic, qos: packet.qos, retain: packet.retain, payload });
    const tooBig = options.rotateBytes !== undefined && current.writer.bytes >= options.rotateBytes;
    const tooOld =
      options.rotateMs !== undefined && Date.now() - current.openedAt >= options.rotateMs;
    if (tooBig || tooOld) {
      const done = current.writer;
      closing = closing.then(() => done.close());
      current = open();
    }
    if (messages % 1000 === 0) options.onProgress?.({ messages, files: [...files] });
  });
  await client.subscribeAsync(options.topic, { qos: 1 });
  return {
    stats: () => ({ messages, files: [...files] }),
    async stop() {
      await client.endAsync();
      await closing;
      await current.writer.close();
      return { messages, files: [...files] };
    },
  };
}

function rotatedName(out: string, index: number): string {
  const name = basename(out);
  const dot = name.indexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  const ext = dot < 0 ? '.ndjson.gz' : name.slice(dot);
  return join(dirname(out), `${stem}-${String(index).padStart(4, '0')}${ext}`);
}
