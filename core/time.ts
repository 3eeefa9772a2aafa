/**
 * Wall-clock arithmetic in an IANA time zone with Intl only (no library): local dates to
 * instants and back, and RFC 3339 text with the zone's offset. Instants are unix ms.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(tz, f);
  }
  return f;
}

/**
 * The canonical name of an IANA zone, or null when Intl does not know it. Only region
 * names (Asia/Jakarta, UTC, Etc/GMT+7) pass: Intl also takes offsets such as "+07:00",
 * which ClickHouse does not.
 */
export function canonicalTimeZone(tz: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz) || tz.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export interface LocalTime {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
}

/** The wall clock in `tz` at instant t. */
export function localTime(tz: string, t: number): LocalTime {
  const p: Record<string, number> = {};
  for (const part of format(tz).formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year, m: p.month, d: p.day, h: p.hour, mi: p.minute, s: p.second, ms: ((t % 1000) + 1000) % 1000 };
}

/** Offset of `tz` from UTC at instant t, ms (local = UTC + offset). */
export function offsetAt(tz: string, t: number): number {
  const l = localTime(tz, t);
  return Date.UTC(l.y, l.m - 1, l.d, l.h, l.mi, l.s, l.ms) - t;
}

/**
 * The instant at which the wall clock in `tz` shows the given local time (days may
 * overflow: d = 32 is the next month). In a daylight-saving gap, the time just after it.
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

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC 3339 with milliseconds and the zone's offset at t: 2026-10-01T09:00:00.000+07:00. */
export function rfc3339In(tz: string, t: number): string {
  const l = localTime(tz, t);
  const off = Math.round(offsetAt(tz, t) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${pad(l.y, 4)}-${pad(l.m)}-${pad(l.d)}T${pad(l.h)}:${pad(l.mi)}:${pad(l.s)}.${pad(l.ms, 3)}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}
