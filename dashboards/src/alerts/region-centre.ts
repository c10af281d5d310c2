/** The area-weighted centroid of a flat ring [x0, y0, x1, y1, ...]; its mean for a sliver. */
export function centreOf(ring: readonly number[]): [number, number] {
  let area = 0;
  let cx = 0;
  let cy = 0;
  const n = ring.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const [x0, y0, x1, y1] = [ring[i * 2]!, ring[i * 2 + 1]!, ring[j * 2]!, ring[j * 2 + 1]!];
    const cross = x0 * y1 - x1 * y0;
    area += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  if (Math.abs(area) < 1e-9) {
    let [sx, sy] = [0, 0];
    for (let i = 0; i < n; i++) [sx, sy] = [sx + ring[i * 2]!, sy + ring[i * 2 + 1]!];
    return [sx / Math.max(1, n), sy / Math.max(1, n)];
  }
  return [cx / (3 * area), cy / (3 * area)];
}
