/**
 * The one zoned-time module: wall-clock arithmetic in an IANA time zone with Intl only
 * (no library). Every function takes the zone first, then the instant or the local date:
 * `(tz, ms)`. Instants are unix ms (UTC); months are 'YYYY-MM', dates 'YYYY-MM-DD'.
 * Metrics, billing, exports and the scheduler all cut their calendars here.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(tz, f);
  }
  return f;
}

/**
 * The canonical name of an IANA zone, or null when it is not one: the one zone check of
 * the API, the schedules and the event contract. Only region names (Asia/Jakarta, UTC,
 * GMT, Etc/GMT+7) pass: Intl also takes offsets such as "+07:00", which ClickHouse does not.
 */
export function canonicalTimeZone(tz: string): string | null {
  if (tz.length > 64 || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return null;
  const known = zones.get(tz);
  if (known !== undefined) return known;
  let name: string | null;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    name = null;
  }
  // Bounded: names come from requests and events.
  if (zones.size < 10_000) zones.set(tz, name);
  return name;
}
const zones = new Map<string, string | null>();

export const isTimeZone = (tz: string): boolean => canonicalTimeZone(tz) !== null;

/** The one wording of a refused zone (API filters, schedules, events). */
export const TIME_ZONE_ERROR = 'must be an IANA time zone such as Asia/Jakarta';

/** Offsets are constant within a quarter hour of UTC (every zone changes on such a boundary), so they are cached per 15 min and zone. */
const QUARTER_MS = 15 * 60 * 1000;
const offsets = new Map<string, Map<number, number>>();

/** Offset of `tz` from UTC at instant t, ms (local = UTC + offset; Asia/Jakarta: +7 h). */
export function offsetAt(tz: string, t: number): number {
  const q = Math.floor(t / QUARTER_MS);
  let byQuarter = offsets.get(tz);
  if (!byQuarter) offsets.set(tz, (byQuarter = new Map()));
  let off = byQuarter.get(q);
  if (off === undefined) {
    const at = q * QUARTER_MS;
    const p: Record<string, number> = {};
    for (const part of format(tz).formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    off = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
    // a 1M-row export over a year touches ~35k quarters; keep the cache bounded anyway
    if (byQuarter.size > 200_000) byQuarter.clear();
    byQuarter.set(q, off);
  }
  return off;
}

/** The instant as a Date whose UTC fields read as the zone's wall clock (what Excel shows: its cells have no zone). */
export function wallClock(tz: string, t: number): Date {
  return new Date(t + offsetAt(tz, t));
}

export interface LocalTime {
  y: number;
  /** 1-12 */
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
}

/** The wall clock in `tz` at instant t. */
export function localTime(tz: string, t: number): LocalTime {
  const w = wallClock(tz, t);
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate(), h: w.getUTCHours(), mi: w.getUTCMinutes(), s: w.getUTCSeconds(), ms: w.getUTCMilliseconds() };
}

/**
 * The instant at which the wall clock in `tz` shows the given local time (fields may
 * overflow, as with Date.UTC: d = 32 is the next month, m = 13 January). In a
 * daylight-saving gap, the time just after it.
 */
export function fromLocal(tz: string, y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const wall = Date.UTC(y, m - 1, d, h, mi, s, ms);
  let t = wall - offsetAt(tz, wall);
  const o2 = offsetAt(tz, t);
  if (wall - o2 !== t) {
    const t2 = wall - o2;
    // Keep the candidate whose wall clock matches; in a gap neither does, take the later.
    t = offsetAt(tz, t2) === o2 ? t2 : Math.max(t, t2);
  }
  return t;
}

/** Local midnight starting the day `days` days after the local day of instant t. */
export function startOfLocalDay(tz: string, t: number, days = 0): number {
  const l = localTime(tz, t);
  return fromLocal(tz, l.y, l.m, l.d + days);
}

/** Instant t moved by `days` calendar days in `tz`, keeping the wall-clock time. */
export function addLocalDays(tz: string, t: number, days: number): number {
  const l = localTime(tz, t);
  return fromLocal(tz, l.y, l.m, l.d + days, l.h, l.mi, l.s, l.ms);
}

/** Start of the local hour of t in `tz` (zone offsets are whole minutes), ms. */
export function hourStart(tz: string, t: number): number {
  const l = localTime(tz, t);
  return t - l.ms - l.s * 1000 - l.mi * 60_000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' of instant t in `tz`. */
export function dateIn(tz: string, t: number): string {
  const l = localTime(tz, t);
  return `${pad(l.y, 4)}-${pad(l.m)}-${pad(l.d)}`;
}

/** 'YYYY-MM' of instant t in `tz`: the billing month, the month of a scheduled billing export. */
export function monthIn(tz: string, t: number): string {
  return dateIn(tz, t).slice(0, 7);
}

/** Start of date 'YYYY-MM-DD' in `tz`, ms. */
export function dateStart(tz: string, date: string): number {
  return fromLocal(tz, Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

/** Start of month 'YYYY-MM' in `tz`, ms. */
export function monthStart(tz: string, month: string): number {
  return fromLocal(tz, Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1);
}

/** 'YYYY-MM' plus n months (no zone: calendar months). */
export function addMonths(month: string, n: number): string {
  const k = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${pad(Math.floor(k / 12), 4)}-${pad((k % 12) + 1)}`;
}

/** 'YYYY-MM-DD' plus n days (no zone: calendar days). */
export function addDays(date: string, n: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + n);
  return new Date(t).toISOString().slice(0, 10);
}

/** Months from a to b ('YYYY-MM'), b - a. */
export function monthDiff(a: string, b: string): number {
  return Number(b.slice(0, 4)) * 12 + Number(b.slice(5, 7)) - (Number(a.slice(0, 4)) * 12 + Number(a.slice(5, 7)));
}

/** RFC 3339 in UTC with milliseconds: 2026-10-01T02:00:00.000Z. */
export const iso = (t: number): string => new Date(t).toISOString();

/** "+07:00": the offset of `tz` at instant t. */
export function offsetLabel(tz: string, t: number): string {
  const off = Math.round(offsetAt(tz, t) / 60_000);
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** RFC 3339 with milliseconds and the zone's offset at t: 2026-10-01T09:00:00.000+07:00. */
export function rfc3339In(tz: string, t: number): string {
  return wallClock(tz, t).toISOString().slice(0, 23) + offsetLabel(tz, t);
}

/** "YYYY-MM-DD hh:mm:ss" (with ".mmm" when `millis`) of instant t in `tz`: CSV cells, the About sheet. */
export function isoLocal(tz: string, t: number, millis = false): string {
  return wallClock(tz, t).toISOString().slice(0, millis ? 23 : 19).replace('T', ' ');
}
