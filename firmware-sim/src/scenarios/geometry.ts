import type { CitySensor, Street } from '@sensegrid/twin';

export function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Distance from a point to a polyline, and how far along the polyline its foot lies (metres). */
export function toPolyline(
  p: { x: number; y: number },
  street: Street,
): { d: number; along: number } {
  let best = { d: Infinity, along: 0 };
  let walked = 0;
  const pts = street.points;
  for (let i = 0; i + 1 < pts.length; i++) {
    const [ax, ay] = pts[i]!;
    const [bx, by] = pts[i + 1]!;
    const length = Math.hypot(bx - ax, by - ay) || 1e-9;
    const t = Math.max(
      0,
      Math.min(1, ((p.x - ax) * (bx - ax) + (p.y - ay) * (by - ay)) / length ** 2),
    );
    const d = Math.hypot(p.x - (ax + t * (bx - ax)), p.y - (ay + t * (by - ay)));
    if (d < best.d) best = { d, along: walked + t * length };
    walked += length;
  }
  return best;
}

/** The street a sensor stands on (the nearest), with the sensor's position along it. */
export function streetOf(
  sensor: CitySensor,
  streets: readonly Street[],
): { street: Street; along: number } {
  let best = { street: streets[0]!, d: Infinity, along: 0 };
  for (const street of streets) {
    const foot = toPolyline(sensor, street);
    if (foot.d < best.d) best = { street, d: foot.d, along: foot.along };
  }
  return best;
}

/** 0 before `startMs`, rising linearly to 1 over `rampMs`. */
export function ramp(tMs: number, startMs: number, rampMs: number): number {
  if (tMs < startMs) return 0;
  return rampMs <= 0 ? 1 : Math.min(1, (tMs - startMs) / rampMs);
}
