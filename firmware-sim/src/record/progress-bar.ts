/** One line that rewrites itself on a terminal: a bar, counts, rate and time left. */
export function formatProgressBar(
  fraction: number,
  done: number,
  elapsedMs: number,
  unit: string,
): string {
  const width = 24;
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const etaS = fraction > 0 && fraction < 1 ? ((elapsedMs / fraction) * (1 - fraction)) / 1000 : 0;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  return `${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${done.toLocaleString('en')} ${unit}  ${Math.round(rate).toLocaleString('en')} ${unit}/s  ETA ${formatSeconds(etaS)}`;
}

export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
