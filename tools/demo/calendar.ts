/**
 * Time for the demo generator: units in ms, the Asia/Jakarta clock, the traffic shape of a
 * week (rooms per local hour) and the agents' shifts. All times are UTC epoch ms.
 */

export const SEC = 1000, MIN = 60 * SEC, HOUR = 60 * MIN, DAY = 24 * HOUR;
/** Asia/Jakarta is UTC+7 all year (no DST): local clock = UTC + 7 h, and local hours align with UTC hours. */
export const TZ_MS = 7 * HOUR;

/** Relative rooms started per Jakarta local hour 0..23: office-hour peaks, light nights. */
const WEEKDAY_HOURS = [0.15, 0.1, 0.08, 0.07, 0.08, 0.15, 0.35, 0.7, 1.3, 1.7, 1.8, 1.7, 1.3, 1.5, 1.7, 1.6, 1.4, 1.2, 0.9, 0.8, 0.75, 0.6, 0.4, 0.25];
const WEEKEND_HOURS = [0.15, 0.1, 0.08, 0.06, 0.06, 0.1, 0.2, 0.35, 0.6, 0.8, 0.9, 0.9, 0.85, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.6, 0.55, 0.45, 0.3, 0.2];
/** HOURS[dow][hour], dow 0 = Sunday; Sunday is quieter than Saturday. */
export const HOURS = [0, 1, 2, 3, 4, 5, 6].map((d) => (d === 0 ? WEEKEND_HOURS.map((w) => w * 0.8) : d === 6 ? WEEKEND_HOURS : WEEKDAY_HOURS));
/** Mean over a week of a day's weight sum: rooms per hour = roomsPerDay * weight / this. */
export const MEAN_DAY_WEIGHT = HOURS.reduce((a, h) => a + h.reduce((x, y) => x + y, 0), 0) / 7;
/** Agents' shift [start, end) in local hours per dow; outside it rooms wait (unless someone on call picks them up). */
const SHIFTS: Array<[number, number]> = [[10, 14], [8, 20], [8, 20], [8, 20], [8, 20], [8, 20], [9, 15]];

const P2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const P3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** The last local day formatted (days since the epoch) and its 'YYYY-MM-DDT': output is in time order, so it rarely changes. */
let cachedDay = NaN, cachedDate = '';
/** RFC 3339 in Jakarta time with milliseconds, e.g. 2026-11-02T09:15:00.123+07:00 (hand-built: toISOString is a hot spot). */
export function fmt(t: number): string {
  const local = t + TZ_MS, day = Math.floor(local / DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY).toISOString().slice(0, 11);
  }
  let ms = local - day * DAY;
  const h = Math.floor(ms / HOUR);
  ms -= h * HOUR;
  const m = Math.floor(ms / MIN);
  ms -= m * MIN;
  const sec = Math.floor(ms / SEC);
  return cachedDate + P2[h] + ':' + P2[m] + ':' + P2[sec] + '.' + P3[ms - sec * SEC] + '+07:00';
}
export const localDay = (t: number) => Math.floor((t + TZ_MS) / DAY);
/** 0 = Sunday (1970-01-01 was a Thursday). */
export const dowOf = (t: number) => (localDay(t) + 4) % 7;
export const hourOf = (t: number) => Math.floor(((t + TZ_MS) % DAY) / HOUR);
export function inShift(t: number): boolean {
  const shift = SHIFTS[dowOf(t)], h = hourOf(t);
  return h >= shift[0] && h < shift[1];
}
/** Start of the next local calendar month after t, as UTC ms. */
export function nextMonthStart(t: number): number {
  const d = new Date(t + TZ_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - TZ_MS;
}
