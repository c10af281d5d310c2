/** The shortest and longest reporting intervals a device accepts, in ms. */
export const MIN_INTERVAL_MS = 10;
export const MAX_INTERVAL_MS = 86_400_000;

/** A command from the gateway, as the device understood it. */
export type DeviceCommand = { ok: true; intervalMs?: number } | { ok: false; reason: string };

/**
 * Reads a JSON command from `devices/<id>/commands`. Unknown fields are ignored so newer
 * gateways can talk to older devices; a known field with a bad value rejects the command.
 */
export function parseCommand(payload: Buffer | string): DeviceCommand {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString());
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const interval = (body as Record<string, unknown>).interval_ms;
  if (interval === undefined) return { ok: true };
  if (
    typeof interval !== 'number' ||
    !Number.isFinite(interval) ||
    interval < MIN_INTERVAL_MS ||
    interval > MAX_INTERVAL_MS
  ) {
    return {
      ok: false,
      reason: `interval_ms must be a number from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}`,
    };
  }
  return { ok: true, intervalMs: Math.round(interval) };
}
