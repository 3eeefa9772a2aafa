/**
 * Wall-clock arithmetic in an IANA zone, for periods ("yesterday", "last month") and for
 * writing times into Excel, which has no zones: a cell shows the UTC fields of its Date,
 * so a time is written as the Date whose UTC fields are the zone's wall clock.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
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
    formatters.set(tz, f);
  }
  return f;
}

/** Offsets are constant within a quarter hour of UTC (every zone changes on such a boundary), so they are cached per 15 min and zone. */
const QUARTER_MS = 15 * 60 * 1000;
const offsets = new Map<string, Map<number, number>>();

/** The zone's offset from UTC at instant `ms`, in ms (Asia/Jakarta: +7 h). */
export function zoneOffsetMs(tz: string, ms: number): number {
  const q = Math.floor(ms / QUARTER_MS);
  let byQuarter = offsets.get(tz);
  if (!byQuarter) offsets.set(tz, (byQuarter = new Map()));
  let off = byQuarter.get(q);
  if (off === undefined) {
    const at = q * QUARTER_MS;
    const p: Record<string, number> = {};
    for (const part of formatter(tz).formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    off = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
    // a 1M-row export over a year touches ~35k quarters; keep the cache bounded anyway
    if (byQuarter.size > 200_000) byQuarter.clear();
    byQuarter.set(q, off);
  }
  return off;
}

/** The instant as a Date whose UTC fields read as the zone's wall clock (what Excel shows). */
export function wallClock(tz: string, ms: number): Date {
  return new Date(ms + zoneOffsetMs(tz, ms));
}

/** The zone's calendar date of an instant: {y, m (1-12), d}. */
export function localDate(tz: string, ms: number): { y: number; m: number; d: number } {
  const w = wallClock(tz, ms);
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() };
}

/**
 * The instant of local midnight starting day (y, m, d) in the zone; m and d may overflow
 * (m = 13 is January next year, d = 0 the day before the 1st), as with Date.UTC.
 */
export function localMidnight(tz: string, y: number, m: number, d: number): number {
  const wall = Date.UTC(y, m - 1, d);
  // Two passes settle the offset, also for a midnight next to a daylight-saving change.
  let t = wall - zoneOffsetMs(tz, wall);
  t = wall - zoneOffsetMs(tz, t);
  return t;
}

/** "YYYY-MM-DD" of an instant in the zone. */
export function isoDate(tz: string, ms: number): string {
  return wallClock(tz, ms).toISOString().slice(0, 10);
}

/** "YYYY-MM-DD hh:mm:ss" (with ".mmm" when `millis`) of an instant in the zone: CSV cells, the About sheet. */
export function isoLocal(tz: string, ms: number, millis = false): string {
  return wallClock(tz, ms).toISOString().slice(0, millis ? 23 : 19).replace('T', ' ');
}

/** "+07:00" of an instant in the zone. */
export function offsetLabel(tz: string, ms: number): string {
  const off = zoneOffsetMs(tz, ms) / 60000;
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
