import { resolve } from 'node:path';
import { z } from 'zod';
import { SensegridError } from './errors.ts';

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.preprocess((value) => {
  if (typeof value === 'string') return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
  return value;
}, z.boolean());
const bytes = z.coerce.number().int().positive();

/** Every setting of the gateway, with its default. Units are in the names. */
export const configSchema = z.object({
  /** MQTT over TCP; 0 picks a free port. */
  mqttPort: port.default(1883),
  /** HTTP API, console and MQTT over WebSocket at /mqtt; 0 picks a free port. */
  httpPort: port.default(8080),
  /** Address to bind. */
  host: z.string().min(1).default('127.0.0.1'),
  /** `sqlite:<file>` or `influx://[user:pass@]host:port/<database>` (`influxs://` for TLS). */
  store: z
    .string()
    .regex(/^(sqlite:.+|influxs?:\/\/.+)$/, 'use sqlite:<file> or influx://host:port/<database>')
    .optional(),
  /** Token for InfluxDB 2.x/3.x (sent as `Authorization: Token ...`). */
  influxToken: z.string().min(1).optional(),
  /** The write-ahead log and local state live here. */
  dataDir: z.string().min(1).default('./data'),
  /** `disk`: MQTT sessions, retained messages and wills survive a restart; `memory`: they do not. */
  sessions: z.enum(['disk', 'memory']).default('disk'),
  /** Accept devices that connect without credentials. */
  allowAnonymous: flag.default(false),
  /** The write-ahead log never grows past this; when full, publishes wait (back-pressure). */
  walMaxBytes: bytes.default(1024 * 1024 * 1024),
  /** Size at which the write-ahead log starts a new segment file. */
  walSegmentBytes: bytes.default(16 * 1024 * 1024),
  /** Readings the write-ahead log keeps in memory for the store writer; the rest is read back. */
  walMemoryBytes: bytes.default(64 * 1024 * 1024),
  /** Readings per store write. */
  writeBatchReadings: z.coerce.number().int().min(1).max(50_000).default(5000),
  /** Largest MQTT packet accepted, checked before the packet is parsed. */
  maxPacketBytes: bytes.default(256 * 1024),
  /** How long a graceful shutdown may spend flushing the write-ahead log to the store. */
  shutdownTimeoutMs: z.coerce.number().int().min(0).default(10_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = Readonly<
  Omit<z.output<typeof configSchema>, 'store'> & {
    /** Resolved store spec: the default SQLite file sits in the data folder. */
    store: string;
  }
>;

/** The environment variable and flag of each setting, for error messages and the README. */
export const SETTING_NAMES: Record<keyof ConfigInput, { flag: string; env: string }> = {
  mqttPort: { flag: '--mqtt-port', env: 'SENSEGRID_MQTT_PORT' },
  httpPort: { flag: '--http-port', env: 'SENSEGRID_HTTP_PORT' },
  host: { flag: '--host', env: 'SENSEGRID_HOST' },
  store: { flag: '--store', env: 'SENSEGRID_STORE' },
  influxToken: { flag: '--influx-token', env: 'SENSEGRID_INFLUX_TOKEN' },
  dataDir: { flag: '--data-dir', env: 'SENSEGRID_DATA_DIR' },
  allowAnonymous: { flag: '--allow-anonymous', env: 'SENSEGRID_ALLOW_ANONYMOUS' },
  sessions: { flag: '--sessions', env: 'SENSEGRID_SESSIONS' },
  walMaxBytes: { flag: '--wal-max-bytes', env: 'SENSEGRID_WAL_MAX_BYTES' },
  walSegmentBytes: { flag: '--wal-segment-bytes', env: 'SENSEGRID_WAL_SEGMENT_BYTES' },
  walMemoryBytes: { flag: '--wal-memory-bytes', env: 'SENSEGRID_WAL_MEMORY_BYTES' },
  writeBatchReadings: { flag: '--write-batch', env: 'SENSEGRID_WRITE_BATCH' },
  maxPacketBytes: { flag: '--max-packet-bytes', env: 'SENSEGRID_MAX_PACKET_BYTES' },
  shutdownTimeoutMs: { flag: '--shutdown-timeout-ms', env: 'SENSEGRID_SHUTDOWN_TIMEOUT_MS' },
  logLevel: { flag: '--log-level', env: 'SENSEGRID_LOG_LEVEL' },
};

/**
 * Checks every setting at once and returns a frozen config, or throws one error that lists
 * each bad setting by its flag and environment variable with what to do.
 */
export function parseConfig(input: ConfigInput): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof ConfigInput;
      const names = SETTING_NAMES[key];
      const where = names ? `${names.flag} (${names.env})` : key;
      return `${where}: ${issue.message}`;
    });
    throw new SensegridError(
      'SENSEGRID_CONFIG_INVALID',
      `bad configuration:\n  - ${problems.join('\n  - ')}`,
      '\nFix the settings above; `sensegrid start --help` lists them all.',
    );
  }
  const value = result.data;
  if (value.walSegmentBytes > value.walMaxBytes) {
    throw new SensegridError(
      'SENSEGRID_CONFIG_INVALID',
      `--wal-segment-bytes (${value.walSegmentBytes}) is larger than --wal-max-bytes (${value.walMaxBytes}).`,
      'Make the segment smaller than the limit (a sixteenth of it or less works well).',
    );
  }
  const store = value.store ?? `sqlite:${resolve(value.dataDir, 'sensegrid.db')}`;
  return Object.freeze({ ...value, store });
}
