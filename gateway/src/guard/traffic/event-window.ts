/**
 * The times of the latest `capacity` events of one kind (connections of a client id, failed
 * logins from an address), in a ring that grows only as events come: how many fell within a
 * window, exactly up to `capacity`, in bounded memory.
 */
export interface EventWindow {
  timesMs: number[];
  next: number;
}

export function createEventWindow(): EventWindow {
  return { timesMs: [], next: 0 };
}

/** Records an event at `nowMs`; returns how many of the remembered ones fell within `windowMs`. */
export function recordEvent(
  w: EventWindow,
  nowMs: number,
  capacity: number,
  windowMs: number,
): number {
  if (w.timesMs.length < capacity) w.timesMs.push(nowMs);
  else w.timesMs[w.next] = nowMs;
  w.next = (w.next + 1) % capacity;
  let within = 0;
  for (const t of w.timesMs) if (nowMs - t <= windowMs) within++;
  return within;
}

/** Events remembered for a threshold: a few more than it, so counts past it stay exact. */
export function windowCapacity(threshold: number): number {
  return Math.max(threshold, 32);
}
