/**
 * Calendar arithmetic in an IANA time zone, for billing parameters and labels. Instants
 * are ms since the epoch (UTC); months are 'YYYY-MM', dates 'YYYY-MM-DD'.
 */

const fmts = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    fmts.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in `tz`. */
function fields(ms: number, tz: string): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const x of fmt(tz).formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year, m: p.month, d: p.day, h: p.hour, mi: p.minute, s: p.second };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' of an instant in `tz`. */
export function dateIn(ms: number, tz: string): string {
  const f = fields(ms, tz);
  return `${pad(f.y, 4)}-${pad(f.m)}-${pad(f.d)}`;
}

/** 'YYYY-MM' of an instant in `tz`. */
export function monthIn(ms: number, tz: string): string {
  return dateIn(ms, tz).slice(0, 7);
}

/** The instant of 00:00 on date y-m-d in `tz` (m 1-12; overflowing m or d roll over, as Date.UTC does). */
export function midnightIn(y: number, m: number, d: number, tz: string): number {
  const wall = Date.UTC(y, m - 1, d);
  // Offset at a guess, then at the result: right across DST changes, which never happen
  // at midnight in a way that skips it for the zones billing uses.
  let t = wall - offsetAt(wall, tz);
  t = wall - offsetAt(t, tz);
  return t;
}

/** UTC offset of `tz` at instant `ms`, in ms. */
function offsetAt(ms: number, tz: string): number {
  const f = fields(ms, tz);
  return Date.UTC(f.y, f.m - 1, f.d, f.h, f.mi, f.s) - (ms - (((ms % 1000) + 1000) % 1000));
}

/** Start of month 'YYYY-MM' in `tz`, ms. */
export function monthStart(month: string, tz: string): number {
  return midnightIn(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1, tz);
}

/** Start of date 'YYYY-MM-DD' in `tz`, ms. */
export function dateStart(date: string, tz: string): number {
  return midnightIn(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)), tz);
}

/** 'YYYY-MM' plus n months. */
export function addMonths(month: string, n: number): string {
  const k = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${pad(Math.floor(k / 12), 4)}-${pad((k % 12) + 1)}`;
}

/** 'YYYY-MM-DD' plus n days. */
export function addDays(date: string, n: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + n);
  return new Date(t).toISOString().slice(0, 10);
}

/** Months from a to b ('YYYY-MM'), b - a. */
export function monthDiff(a: string, b: string): number {
  return Number(b.slice(0, 4)) * 12 + Number(b.slice(5, 7)) - (Number(a.slice(0, 4)) * 12 + Number(a.slice(5, 7)));
}

/** RFC 3339 UTC with milliseconds. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** Start of the local hour of `ms` in `tz` (zone offsets are whole minutes), ms. */
export function hourStart(ms: number, tz: string): number {
  const f = fields(ms, tz);
  return ms - (((ms % 1000) + 1000) % 1000) - f.s * 1000 - f.mi * 60_000;
}
