/**
 * An error a person can act on: a stable code, what happened, and what to do about it.
 * The README keeps the table of codes.
 */
export class SensegridError extends Error {
  readonly code: string;
  readonly fix: string | undefined;
  /** How long the other side asked us to wait before trying again (HTTP Retry-After). */
  retryAfterMs?: number;

  constructor(code: string, message: string, fix?: string) {
    super(fix ? `${code}: ${message} ${fix}` : `${code}: ${message}`);
    this.name = 'SensegridError';
    this.code = code;
    this.fix = fix;
  }
}

export function isSensegridError(error: unknown, code?: string): error is SensegridError {
  return error instanceof SensegridError && (code === undefined || error.code === code);
}
