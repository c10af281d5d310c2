import pino, { type Logger } from 'pino';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'component']);

/**
 * JSON lines when stdout is not a terminal (for log shippers and tests); short readable
 * lines on a terminal.
 */
export function createLogger(level: string, stream: NodeJS.WriteStream = process.stdout): Logger {
  if (!stream.isTTY) return pino({ level, base: undefined }, stream);
  return pino(
    { level, base: undefined },
    {
      write(line: string) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        const time = new Date(entry.time as number).toISOString().slice(11, 19);
        const fields = Object.entries(entry)
          .filter(([key]) => !SKIP.has(key))
          .map(
            ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
          )
          .join(' ');
        stream.write(
          `${time} ${LEVELS[entry.level as number] ?? entry.level} ${entry.msg}${fields ? ` ${fields}` : ''}\n`,
        );
      },
    },
  );
}
