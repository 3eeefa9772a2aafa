/**
 * Calendar dates as `YYYY-MM-DD` strings. The API takes dates in the filters' time zone,
 * so the dashboard never needs an instant for a date: it reckons on the calendar alone
 * (through UTC, which has no daylight saving to skip a day) and lets the server place it.
 */
export type PlainDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isPlainDate(s: string | null | undefined): s is PlainDate {
  const m = s ? DATE_RE.exec(s) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

const toUtc = (d: PlainDate) => Date.parse(d + 'T00:00:00Z');
const fromUtc = (ms: number): PlainDate => new Date(ms).toISOString().slice(0, 10);

export const addDays = (d: PlainDate, n: number): PlainDate => fromUtc(toUtc(d) + n * 86_400_000);

/** Whole days from a to b (b - a). */
export const daysBetween = (a: PlainDate, b: PlainDate): number => Math.round((toUtc(b) - toUtc(a)) / 86_400_000);

export const startOfMonth = (d: PlainDate): PlainDate => d.slice(0, 8) + '01';

/** The first of the month n months after d's month. */
export function addMonths(d: PlainDate, n: number): PlainDate {
  const y = +d.slice(0, 4);
  const m = +d.slice(5, 7) - 1 + n;
  return fromUtc(Date.UTC(y + Math.floor(m / 12), ((m % 12) + 12) % 12, 1));
}

/** `YYYY-MM` of a date. */
export const monthOf = (d: PlainDate): string => d.slice(0, 7);

/** Today's date in a time zone (falls back to UTC for a zone the browser does not know). */
export function todayIn(tz: string, now: Date = new Date()): PlainDate {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Is `tz` an IANA zone this browser knows? */
export function isTimeZone(tz: string | null | undefined): tz is string {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
