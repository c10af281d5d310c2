/** Local solar time at a longitude: the clock the city lives by, without a time-zone table. */
export interface LocalTime {
  /** Hour of the day in [0, 24), fractional. */
  hour: number;
  /** Day of the week, 0 = Sunday. */
  weekday: number;
  weekend: boolean;
  /** Day of the year in [0, 365). */
  dayOfYear: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const YEAR_DAYS = 365.2425;

export function localTime(tMs: number, lon: number): LocalTime {
  const local = tMs + (lon / 15) * HOUR_MS;
  const day = Math.floor(local / DAY_MS);
  const hour = (local - day * DAY_MS) / HOUR_MS;
  // 1970-01-01 was a Thursday.
  const weekday = (((day + 4) % 7) + 7) % 7;
  const dayOfYear = (((day % YEAR_DAYS) + YEAR_DAYS) % YEAR_DAYS) | 0;
  return { hour, weekday, weekend: weekday === 0 || weekday === 6, dayOfYear };
}

/** A bell around `center` (hours) on the 24-hour circle, 1 at the centre. */
export function bump(hour: number, center: number, widthHours: number): number {
  let d = Math.abs(hour - center) % 24;
  if (d > 12) d = 24 - d;
  const z = d / widthHours;
  return Math.exp(-0.5 * z * z);
}

/** Daylight activity: low at night, broad through the day. */
export function daytime(t: LocalTime): number {
  return bump(t.hour, 14, 4.5);
}

/** Road activity in [0, 1]: weekday morning and evening rush hours, a broad weekend afternoon. */
export function trafficActivity(t: LocalTime): number {
  const base = 0.05 + 0.25 * daytime(t);
  if (t.weekend) return clamp01(0.05 + 0.5 * bump(t.hour, 14, 3.5));
  return clamp01(base + 0.65 * bump(t.hour, 8, 1.1) + 0.6 * bump(t.hour, 17.75, 1.4));
}

/** Outdoor temperature shape in [0, 1] over the day: coolest before dawn, warmest mid-afternoon. */
export function ambientDay(t: LocalTime): number {
  return 0.5 + 0.5 * Math.cos((2 * Math.PI * (t.hour - 15)) / 24);
}

/** Season in [0, 1]: 0 in mid-winter, 1 in mid-summer (northern hemisphere). */
export function season(t: LocalTime): number {
  return 0.5 - 0.5 * Math.cos((2 * Math.PI * (t.dayOfYear - 20)) / 365);
}

/** Household water demand in [0, 1]: morning and evening peaks, a night minimum. */
export function waterDemand(t: LocalTime): number {
  const morning = t.weekend ? bump(t.hour, 9.5, 2) : bump(t.hour, 7.5, 1.5);
  return clamp01(0.1 + 0.55 * morning + 0.5 * bump(t.hour, 19.5, 2) + 0.2 * daytime(t));
}

/** Electrical load in [0, 1]: business hours on weekdays, an evening residential peak. */
export function powerLoad(t: LocalTime): number {
  const business = t.weekend ? 0.15 : 0.35;
  return clamp01(0.2 + business * daytime(t) + 0.4 * bump(t.hour, 19.5, 2));
}

/** Pedestrian density in [0, 1]: commute and lunch peaks on weekdays, weekend afternoons. */
export function crowdActivity(t: LocalTime): number {
  if (t.weekend) return clamp01(0.05 + 0.6 * bump(t.hour, 15, 3));
  return clamp01(
    0.05 + 0.45 * bump(t.hour, 8.5, 1) + 0.25 * bump(t.hour, 12.5, 1) + 0.5 * bump(t.hour, 18, 1.5),
  );
}

export function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
