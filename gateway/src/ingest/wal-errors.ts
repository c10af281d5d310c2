// The write-ahead log's errors, each with its code and what to do about it.
import { SensegridError } from '../errors.ts';

export function walClosedError(): SensegridError {
  return new SensegridError(
    'SENSEGRID_WAL_CLOSED',
    'the gateway is shutting down.',
    'Retry later.',
  );
}

export function walWriteFailedError(dir: string, error: Error): SensegridError {
  return new SensegridError(
    'SENSEGRID_WAL_WRITE_FAILED',
    `could not write the write-ahead log in ${dir}: ${error.message}.`,
    'Check that the data folder is writable and the disk is not full.',
  );
}
