import { resolve } from 'node:path';
import { z } from 'zod';
import { duration } from './duration.ts';
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
  /** MQTT over TLS, when a certificate and key are given; 0 picks a free port. */
  tlsPort: port.default(8883),
  /** PEM certificate (chain) of the TLS listener. */
  tlsCert: z.string().min(1).optional(),
  /** PEM private key of the TLS listener. */
  tlsKey: z.string().min(1).optional(),
  /** PEM CA that signs device certificates: with it, a certificate whose CN is the device id logs the device in. */
  tlsCa: z.string().min(1).optional(),
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
  /** QoS 1 messages a persistent session queues for its client; past it the oldest are dropped. */
  sessionQueueMax: z.coerce.number().int().min(1).default(1000),
  /** Payload bytes a persistent session queues for its client; past it the oldest are dropped. */
  sessionQueueMaxBytes: bytes.default(16 * 1024 * 1024),
  /** Topic filters nobody may subscribe to, comma-separated (`a/b`, or `a/#` for a subtree). */
  denySubscribe: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((filter) => filter.trim())
        .filter(Boolean),
    ),
  /** Accept devices that connect without credentials. */
  allowAnonymous: flag.default(false),
  /** Alert routing rules (YAML or JSON): departments, auto-dispatch, SLAs; built-in rules otherwise. */
  alertRules: z.string().min(1).optional(),
  /** Thresholds of the traffic monitor (YAML or JSON); its built-in ones otherwise. */
  trafficRules: z.string().min(1).optional(),
  /** Viewer access to the API and the console without signing in. */
  openConsole: flag.default(false),
  /** How long a console or API sign-in token is valid: `12h`, `30m`, `90s` or milliseconds. */
  tokenTtlMs: duration
    .pipe(z.number().int().min(1000, 'tokens must live at least 1s'))
    .default(12 * 3600_000),
  /**
   * Closed alerts whose last change is older than this are deleted with their audit trails,
   * at start and hourly: `90d`, `12h`, `30m` or milliseconds; 0 keeps every alert.
   */
  alertsRetentionMs: duration
    .pipe(
      z
        .number()
        .int()
        .refine((ms) => ms === 0 || ms >= 60_000, 'use 0 to keep every alert, or at least 1m'),
    )
    .default(90 * 86_400_000),
  /** The write-ahead log never grows past this; when full, publishes wait (back-pressure). */
  walMaxBytes: bytes.default(1024 * 1024 * 1024),
  /** Size at which the write-ahead log starts a new segment file. */
  walSegmentBytes: bytes.default(16 * 1024 * 1024),
  /** Readings the write-ahead log keeps in memory for the store writer; the rest is read back. */
  walMemoryBytes: bytes.default(64 * 1024 * 1024),
  /** Readings per store write. */
  writeBatchReadings: z.coerce.number().int().min(1).max(50_000).default(5000),
  /** While a batch is not full, store writes start at most this often (ms); 0: at once. */
  writeLingerMs: z.coerce.number().int().min(0).max(10_000).default(200),
  /** Publishes per second one device may make before its acknowledgements are delayed; 0: no limit. */
  deviceMessagesPerSec: z.coerce.number().min(0).default(1000),
  /** Payload bytes per second one device may send before it is slowed down; 0: no limit. */
  deviceBytesPerSec: z.coerce
    .number()
    .min(0)
    .default(1024 * 1024),
  /** New connections per second one address may open (after a burst of twice that); 0: no limit. */
  connectsPerSecPerAddress: z.coerce.number().min(0).default(500),
  /** Failed logins from one address within a minute that ban it; 0: never. */
  banAfterAuthFailures: z.coerce.number().int().min(0).default(20),
  /** Connections of one client id within a minute that ban it as flapping; 0: never. */
  banAfterReconnects: z.coerce.number().int().min(0).default(60),
  /** How long a ban lasts. */
  banSeconds: z.coerce.number().min(1).default(300),
  /** A subscriber whose socket has not drained for this long is disconnected. */
  drainTimeoutMs: z.coerce.number().int().min(100).default(5000),
  /** A connection that has not sent CONNECT within this is closed. */
  connectTimeoutMs: z.coerce.number().int().min(100).default(10_000),
  /** Longest MQTT keep-alive a client may ask for; keep-alive 0 is held to it. 0: no bound. */
  maxKeepaliveSeconds: z.coerce.number().int().min(0).max(65_535).default(3600),
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
  tlsPort: { flag: '--tls-port', env: 'SENSEGRID_TLS_PORT' },
  tlsCert: { flag: '--tls-cert', env: 'SENSEGRID_TLS_CERT' },
  tlsKey: { flag: '--tls-key', env: 'SENSEGRID_TLS_KEY' },
  tlsCa: { flag: '--tls-ca', env: 'SENSEGRID_TLS_CA' },
  host: { flag: '--host', env: 'SENSEGRID_HOST' },
  store: { flag: '--store', env: 'SENSEGRID_STORE' },
  influxToken: { flag: '--influx-token', env: 'SENSEGRID_INFLUX_TOKEN' },
  dataDir: { flag: '--data-dir', env: 'SENSEGRID_DATA_DIR' },
  allowAnonymous: { flag: '--allow-anonymous', env: 'SENSEGRID_ALLOW_ANONYMOUS' },
  alertRules: { flag: '--alert-rules', env: 'SENSEGRID_ALERT_RULES' },
  trafficRules: { flag: '--traffic-rules', env: 'SENSEGRID_TRAFFIC_RULES' },
  openConsole: { flag: '--open-console', env: 'SENSEGRID_OPEN_CONSOLE' },
  tokenTtlMs: { flag: '--token-ttl', env: 'SENSEGRID_TOKEN_TTL' },
  alertsRetentionMs: { flag: '--alerts-retention', env: 'SENSEGRID_ALERTS_RETENTION' },
  sessions: { flag: '--sessions', env: 'SENSEGRID_SESSIONS' },
  sessionQueueMax: { flag: '--session-queue-max', env: 'SENSEGRID_SESSION_QUEUE_MAX' },
  sessionQueueMaxBytes: {
    flag: '--session-queue-max-bytes',
    env: 'SENSEGRID_SESSION_QUEUE_MAX_BYTES',
  },
  denySubscribe: { flag: '--deny-subscribe', env: 'SENSEGRID_DENY_SUBSCRIBE' },
  walMaxBytes: { flag: '--wal-max-bytes', env: 'SENSEGRID_WAL_MAX_BYTES' },
  walSegmentBytes: { flag: '--wal-segment-bytes', env: 'SENSEGRID_WAL_SEGMENT_BYTES' },
  walMemoryBytes: { flag: '--wal-memory-bytes', env: 'SENSEGRID_WAL_MEMORY_BYTES' },
  writeBatchReadings: { flag: '--write-batch', env: 'SENSEGRID_WRITE_BATCH' },
  writeLingerMs: { flag: '--write-linger-ms', env: 'SENSEGRID_WRITE_LINGER_MS' },
  maxPacketBytes: { flag: '--max-packet-bytes', env: 'SENSEGRID_MAX_PACKET_BYTES' },
  connectTimeoutMs: { flag: '--connect-timeout-ms', env: 'SENSEGRID_CONNECT_TIMEOUT_MS' },
  maxKeepaliveSeconds: { flag: '--max-keepalive', env: 'SENSEGRID_MAX_KEEPALIVE' },
  drainTimeoutMs: { flag: '--drain-timeout-ms', env: 'SENSEGRID_DRAIN_TIMEOUT_MS' },
  connectsPerSecPerAddress: { flag: '--connects-per-sec', env: 'SENSEGRID_CONNECTS_PER_SEC' },
  banAfterAuthFailures: {
    flag: '--ban-after-auth-failures',
    env: 'SENSEGRID_BAN_AFTER_AUTH_FAILURES',
  },
  banAfterReconnects: { flag: '--ban-after-reconnects', env: 'SENSEGRID_BAN_AFTER_RECONNECTS' },
  banSeconds: { flag: '--ban-seconds', env: 'SENSEGRID_BAN_SECONDS' },
  deviceMessagesPerSec: { flag: '--device-msgs-per-sec', env: 'SENSEGRID_DEVICE_MSGS_PER_SEC' },
  deviceBytesPerSec: { flag: '--device-bytes-per-sec', env: 'SENSEGRID_DEVICE_BYTES_PER_SEC' },
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
  if (
    (value.tlsCert === undefined) !== (value.tlsKey === undefined) ||
    (value.tlsCa && !value.tlsCert)
  ) {
    throw new SensegridError(
      'SENSEGRID_CONFIG_INVALID',
      'TLS needs both --tls-cert and --tls-key (and --tls-ca only with them).',
      'Give the certificate and key files together, or neither to serve MQTT without TLS.',
    );
  }
  const store = value.store ?? `sqlite:${resolve(value.dataDir, 'sensegrid.db')}`;
  return Object.freeze({ ...value, store });
}
