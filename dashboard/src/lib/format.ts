/**
 * Every number, amount of rupiah, date and duration the dashboard shows goes through
 * here, so one language switch changes them all. Pure functions of (value, language):
 * unit-tested in test/dashboard/format.test.ts.
 */
import type { PlainDate } from './dates.ts';

export type Lang = 'en' | 'id';

/** Intl locale of a language: Indonesian as in Indonesia; English with day-month dates like id-ID. */
export const LOCALES: Record<Lang, string> = { en: 'en-GB', id: 'id-ID' };

/** Shown for a value the API gives as null (a metric over nothing). */
export const NONE = '—';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function nf(lang: Lang, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const k = `n${lang}${JSON.stringify(opts)}`;
  let f = cache.get(k);
  if (!f) cache.set(k, (f = new Intl.NumberFormat(LOCALES[lang], opts)));
  return f as Intl.NumberFormat;
}
function df(lang: Lang, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const k = `d${lang}${JSON.stringify(opts)}`;
  let f = cache.get(k);
  if (!f) cache.set(k, (f = new Intl.DateTimeFormat(LOCALES[lang], opts)));
  return f as Intl.DateTimeFormat;
}

const missing = (n: number | null | undefined): n is null | undefined => n === null || n === undefined || !Number.isFinite(n);

/** A count or a plain number, at most `digits` decimals. */
export function fmtNumber(n: number | null | undefined, lang: Lang, digits = 0): string {
  return missing(n) ? NONE : nf(lang, { maximumFractionDigits: digits }).format(n);
}

/** Short form for chart axes: 12 rb / 12K. */
export function fmtCompact(n: number, lang: Lang): string {
  return nf(lang, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** Rupiah, whole: "Rp 7.700" (id) / "IDR 7,700" (en). Negative balances keep their sign. */
export function fmtRupiah(n: number | null | undefined, lang: Lang): string {
  return missing(n) ? NONE : nf(lang, { style: 'currency', currency: 'IDR', minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(n);
}

/** A percentage given as 0-100 (the API's csat_pct, response_rate): "66.7%" / "66,7%". */
export function fmtPercent(pct: number | null | undefined, lang: Lang): string {
  return missing(pct) ? NONE : nf(lang, { style: 'percent', maximumFractionDigits: 1 }).format(pct / 100);
}

/**
 * A share in a table or a KPI, always with one decimal ("100.0%", "66.7%"), so a column
 * of them lines up and "100%" does not look rounder than "66.7%". Axes keep fmtPercent.
 */
export function fmtShare(pct: number | null | undefined, lang: Lang): string {
  return missing(pct) ? NONE : nf(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(pct / 100);
}

/** A CSAT average score (1-5), always with two decimals ("4.50", "4.33"). */
export function fmtScore(score: number | null | undefined, lang: Lang): string {
  return missing(score) ? NONE : nf(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(score);
}

const UNITS: Record<Lang, { d: string; h: string; m: string; s: string }> = {
  en: { d: 'd', h: 'h', m: 'm', s: 's' },
  // hari, jam, menit, detik: written so that none reads as another ("h" would read as
  // hours and "d" as days, so "42 m 9 d" looked like 42 minutes and 9 days)
  id: { d: 'hari', h: 'jam', m: 'mnt', s: 'dtk' },
};
const STEPS = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
] as const;

/**
 * Seconds as people read them: the two largest units, the second rounded
 * ("1 h 6 m" for 3975 s; "1 j 6 m" in Indonesian); "< 1 s" for a fraction of a second.
 */
export function fmtDuration(seconds: number | null | undefined, lang: Lang): string {
  if (missing(seconds)) return NONE;
  const u = UNITS[lang];
  if (seconds < 0) return '-' + fmtDuration(-seconds, lang);
  if (seconds > 0 && seconds < 0.5) return `< 1 ${u.s}`;
  let i = STEPS.findIndex(([, size]) => seconds >= size);
  if (i < 0) return `${Math.round(seconds)} ${u.s}`;
  const small = STEPS[Math.min(i + 1, STEPS.length - 1)][1];
  const r = Math.round(seconds / small) * small;
  // Rounding may carry into the next unit up (3599.6 s is "1 h", not "60 m").
  if (i > 0 && r >= STEPS[i - 1][1]) i--;
  const [bigUnit, bigSize] = STEPS[i];
  const big = Math.floor(r / bigSize);
  const parts = [`${fmtNumber(big, lang)} ${u[bigUnit]}`];
  if (i + 1 < STEPS.length) {
    const [smallUnit, smallSize] = STEPS[i + 1];
    const rest = Math.round((r - big * bigSize) / smallSize);
    if (rest > 0) parts.push(`${fmtNumber(rest, lang)} ${u[smallUnit]}`);
  }
  return parts.join(' ');
}

export interface Change {
  /** "+12.5%", "-3%", "0%"; NONE when there is nothing to compare with. */
  text: string;
  direction: 'up' | 'down' | 'flat' | 'none';
}

/** The change of a KPI against the previous period, relative to the previous value. */
export function fmtChange(current: number | null | undefined, previous: number | null | undefined, lang: Lang): Change {
  if (missing(current) || missing(previous) || previous === 0) return { text: NONE, direction: 'none' };
  const rel = (current - previous) / Math.abs(previous);
  const text = nf(lang, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(rel);
  // Direction follows what is shown: a change that rounds to 0% is flat.
  const shown = Math.round(rel * 1000);
  return { text, direction: shown > 0 ? 'up' : shown < 0 ? 'down' : 'flat' };
}

const fromPlain = (d: PlainDate) => new Date(d + 'T00:00:00Z');

/** A calendar date: "1 Oct 2026" / "1 Okt 2026". */
export function fmtDate(d: PlainDate | null | undefined, lang: Lang): string {
  return d ? df(lang, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(fromPlain(d)) : NONE;
}

/** A long calendar date for headlines: "Tuesday, 9 March 2027" / "Selasa, 9 Maret 2027". */
export function fmtDateLong(d: PlainDate | null | undefined, lang: Lang): string {
  return d ? df(lang, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(fromPlain(d)) : NONE;
}

/** A month "YYYY-MM": "October 2026" / "Oktober 2026". */
export function fmtMonth(m: string, lang: Lang): string {
  return df(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(m + '-01T00:00:00Z'));
}

/** An instant (RFC 3339 or unix ms) in a time zone: "1 Oct 2026, 09:00". */
export function fmtDateTime(t: string | number | null | undefined, lang: Lang, tz: string): string {
  if (t === null || t === undefined || t === '') return NONE;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  return df(lang, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: tz }).format(d);
}

/** Weekday names Monday first (the API's weekdays are ISO: 1 = Monday). */
export function weekdayNames(lang: Lang, style: 'short' | 'long' = 'short'): string[] {
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => df(lang, { weekday: style, timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1 + i))));
}
