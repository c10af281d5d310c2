import type { RiskRegion } from './types.ts';

/** `14:40 UTC` (with the date when it is not the day of `fromMs`). */
export function formatClock(ms: number, fromMs: number): string {
  const iso = new Date(ms).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(fromMs).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

export function formatAmount(x: number): string {
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return Number(x.toFixed(digits)).toString();
}

export function formatMinutes(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} min` : `${formatAmount(minutes / 60)} h`;
}

export function formatP(p: number): string {
  return p < 1e-12 ? '< 1e-12' : p.toExponential(1);
}

/** `Riverside (district d02)` */
export function placeName(region: RiskRegion): string {
  return region.name === region.id ? `${region.system} ${region.id}` : region.name;
}
