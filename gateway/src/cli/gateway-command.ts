import { fileURLToPath } from 'node:url';
import { createDemoCity } from '@sensegrid/twin';
import { parseConfig } from '../config.ts';
import { SensegridError } from '../errors.ts';
import type { Logger } from 'pino';
import { buildGateway, type Gateway } from '../gateway.ts';
import { createLogger } from './logger.ts';
import { readSettings, settingsHelp } from './options.ts';
import { loadCityFolder } from '../twin-state/city-files.ts';
import { ensureFirstUser } from '../auth/first-admin.ts';

const CONSOLE_DIR = fileURLToPath(new URL('../../../dashboards/dist', import.meta.url));

/** Flags of both `start` and `demo`. */
const CITY_FLAGS = {
  city: { type: 'string' as const },
};

const DEMO_FLAGS = {
  ...CITY_FLAGS,
  devices: { type: 'string' as const },
  interval: { type: 'string' as const },
  seed: { type: 'string' as const },
};

/**
 * `start` and `demo`: runs the gateway until SIGINT or SIGTERM, then shuts down cleanly and
 * resolves with the exit code.
 */
export async function runGatewayCommand(
  command: 'start' | 'demo',
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const { input, extra } = readSettings(argv, env, command === 'demo' ? DEMO_FLAGS : CITY_FLAGS);
  if (extra.help) {
    console.log(
      `sensegrid ${command} [flags]\n\n${settingsHelp()}${CITY_HELP}${command === 'demo' ? DEMO_HELP : ''}`,
    );
    return 0;
  }
  if (command === 'demo' && input.allowAnonymous === undefined) input.allowAnonymous = true;
  if (command === 'demo' && input.openConsole === undefined) input.openConsole = true;
  const config = parseConfig(input);
  const demo = command === 'demo' ? parseDemoFlags(extra) : undefined;
  // Listening from here on, a signal during start-up (the demo fleet takes a while) still
  // stops everything cleanly once it is up.
  const stopping = new AbortController();
  const stopRequested = new Promise<void>((resolve) => {
    const request = () => {
      stopping.abort();
      resolve();
    };
    process.once('SIGINT', request);
    process.once('SIGTERM', request);
  });
  const log = createLogger(config.logLevel);
  // The demo's twin holds exactly the simulated devices, placed where they belong.
  const city =
    typeof extra.city === 'string'
      ? loadCityFolder(extra.city)
      : demo
        ? createDemoCity({ seed: demo.seed, sensors: demo.devices })
        : undefined;
  const gateway = buildGateway(config, { log, consoleDir: CONSOLE_DIR, ...(city ? { city } : {}) });

  let ports: { mqttPort: number; httpPort: number };
  try {
    ports = await gateway.start();
  } catch (error) {
    await gateway.close().catch(() => undefined);
    throw error;
  }
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${ports.httpPort}/`;
  await ensureFirstUser(config.dataDir, log, { createAdmin: command === 'demo' });
  log.info({ ...ports, console: url, store: describeStore(config.store) }, 'ready');

  let fleet: { stop(): Promise<void> } | undefined;
  if (demo) {
    const { startFleet } = await import('@sensegrid/firmware-sim');
    fleet = await startFleet({
      url: `mqtt://${config.host}:${ports.mqttPort}`,
      devices: city && city.sensors.length > 0 ? city.sensors.slice(0, demo.devices) : demo.devices,
      intervalMs: demo.intervalMs,
      seed: demo.seed,
      qos: 1,
      signal: stopping.signal,
    });
    if (!stopping.signal.aborted)
      log.info(
        { devices: demo.devices, intervalMs: demo.intervalMs, console: url },
        'demo city publishing',
      );
  }

  const progress = reportProgress(gateway, log, PROGRESS_INTERVAL_MS);
  await stopRequested;
  clearInterval(progress);
  log.info('shutting down');
  await fleet?.stop();
  const { drained } = await gateway.close();
  log.info({ drained }, 'stopped');
  return 0;
}

const PROGRESS_INTERVAL_MS = 10_000;

/** Logs the flow every interval: readings in and stored per second, clients, log depth. */
function reportProgress(gateway: Gateway, log: Logger, intervalMs: number): NodeJS.Timeout {
  let last = gateway.stats();
  const timer = setInterval(() => {
    const now = gateway.stats();
    const perSecond = (n: number) => Math.round((n * 1000) / intervalMs);
    log.info(
      {
        readingsPerSec: perSecond(now.readingsReceived - last.readingsReceived),
        storedPerSec: perSecond(now.readingsStored - last.readingsStored),
        refused: now.payloadsRefused - last.payloadsRefused,
        clients: now.mqttClients,
        walPending: now.walPendingReadings,
      },
      'flow',
    );
    last = now;
  }, intervalMs);
  timer.unref();
  return timer;
}

const CITY_HELP = `

City:
  --city <dir>              a real city from GeoJSON files (see twin/examples/small-city);
                            the generated demo city by default`;

const DEMO_HELP = `

Demo flags:
  --devices <n>             simulated devices of the demo city (default 1000)
  --interval <ms>           reporting interval of each device (default 1000)
  --seed <n>                seed of the demo city (default 1)`;

function parseDemoFlags(extra: Record<string, string | boolean | undefined>) {
  const number = (name: string, fallback: number, min: number) => {
    const raw = extra[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      throw new SensegridError(
        'SENSEGRID_CONFIG_INVALID',
        `--${name} must be a whole number >= ${min}.`,
      );
    }
    return value;
  };
  return {
    devices: number('devices', 1000, 0),
    intervalMs: number('interval', 1000, 10),
    seed: number('seed', 1, 0),
  };
}

function describeStore(spec: string): string {
  return spec.replace(/\/\/[^@/]*@/, '//***@');
}
