/**
 * The times of the latest `capacity` events of one kind (connections of a client id, failed
 * logins from an address), in a ring: enough to tell whether `capacity` of them fell within
 * a window, in constant memory.
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
