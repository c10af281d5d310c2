import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SETTING_NAMES, type ConfigInput } from '../config.ts';
import { SensegridError } from '../errors.ts';

type Key = keyof ConfigInput;

const BOOLEAN_SETTINGS = new Set<Key>(['allowAnonymous', 'openConsole']);

/** parseArgs options for every gateway setting, named by their flags. */
export function settingFlags(): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [key, names] of Object.entries(SETTING_NAMES) as [Key, { flag: string }][]) {
    options[names.flag.slice(2)] = { type: BOOLEAN_SETTINGS.has(key) ? 'boolean' : 'string' };
  }
  return options;
}

/**
 * The gateway settings from flags and environment variables (flags win). Unknown flags are an
 * error that names them.
 */
export function readSettings(
  argv: string[],
  env: NodeJS.ProcessEnv,
  extra: NonNullable<ParseArgsConfig['options']> = {},
): { input: ConfigInput; extra: Record<string, string | boolean | undefined> } {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: { ...settingFlags(), ...extra, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new SensegridError(
      'SENSEGRID_CLI_USAGE',
      `${(error as Error).message.split('\n')[0]!}.`,
      'Run `sensegrid --help` for the commands and their flags.',
    );
  }
  const input: Record<string, unknown> = {};
  for (const [key, names] of Object.entries(SETTING_NAMES) as [
    Key,
    { flag: string; env: string },
  ][]) {
    const fromFlag = values[names.flag.slice(2)];
    const fromEnv = env[names.env];
    if (fromFlag !== undefined) input[key] = fromFlag;
    else if (fromEnv !== undefined && fromEnv !== '') input[key] = fromEnv;
  }
  const rest: Record<string, string | boolean | undefined> = {};
  for (const name of [...Object.keys(extra), 'help']) {
    rest[name] = values[name] as string | boolean | undefined;
  }
  return { input: input as ConfigInput, extra: rest };
}

export function settingsHelp(): string {
  const rows = Object.entries(SETTING_NAMES).map(
    ([, names]) => `  ${names.flag.padEnd(24)} ${names.env}`,
  );
  return `Settings (flag, or environment variable):\n${rows.join('\n')}`;
}
