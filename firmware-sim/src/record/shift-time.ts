/**
 * Moves the times inside a readings payload by `offsetMs`: `ts` of a reading or of each reading
 * in an array, `bt` of SenML records (in seconds). Other payloads come back unchanged.
 */
export function shiftPayloadTime(payload: Buffer, offsetMs: number): Buffer {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return payload;
  }
  const shiftOne = (item: unknown) => {
    if (typeof item !== 'object' || item === null) return;
    const record = item as { ts?: unknown; bt?: unknown };
    if (typeof record.ts === 'number') record.ts += offsetMs;
    else if (typeof record.ts === 'string' && !Number.isNaN(Date.parse(record.ts))) {
      record.ts = new Date(Date.parse(record.ts) + offsetMs).toISOString();
    }
    if (typeof record.bt === 'number') record.bt += offsetMs / 1000;
  };
  if (Array.isArray(body)) body.forEach(shiftOne);
  else shiftOne(body);
  return Buffer.from(JSON.stringify(body));
}
