/**
 * Series buckets as the API gives them: `start` is RFC 3339 in the filters' time zone
 * ("2026-10-01T09:00:00+07:00"), so its wall-clock digits are already local and labels
 * are read from them, never converted through the browser's own zone.
 */
import type { Interval } from '../../../core/wire/metrics.ts';
import { LOCALES, type Lang } from './format.ts';

/** The local wall-clock time of an RFC 3339 string, as a Date to format in UTC. */
function wallClock(start: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(start);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5])) : new Date(NaN);
}

/** Axis label of a bucket: "09:00" (hours of one day), "1 Oct 09:00", "1 Oct", "Oct 2026". */
export function bucketLabel(start: string, interval: Interval, lang: Lang, sameDay = false): string {
  const d = wallClock(start);
  if (Number.isNaN(d.getTime())) return start;
  const opts: Intl.DateTimeFormatOptions =
    interval === 'hour'
      ? sameDay
        ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : interval === 'month'
        ? { month: 'short', year: 'numeric' }
        : { day: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(LOCALES[lang], { ...opts, timeZone: 'UTC' }).format(d);
}

/** Labels of a whole series (hours show their date only when the series spans several days). */
export function bucketLabels(starts: string[], interval: Interval, lang: Lang): string[] {
  const sameDay = new Set(starts.map((s) => s.slice(0, 10))).size <= 1;
  return starts.map((s) => bucketLabel(s, interval, lang, sameDay));
}

/** [start, end) of each bucket: the next one's start, the window's end for the last. */
export function bucketRanges(starts: string[], windowEnd: string): Array<{ start: string; end: string }> {
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? windowEnd }));
}

/**
 * Bucket starts as the page shows them: the API gives a bucket's calendar start (a week's
 * Monday), and the first bucket of a window that starts inside it covers only from the
 * window's start, so it is labelled and drilled into from there ("1 Oct", not "28 Sept").
 */
export function startsWithin(starts: string[], windowFrom: string): string[] {
  if (starts.length && Date.parse(starts[0]) < Date.parse(windowFrom)) return [windowFrom, ...starts.slice(1)];
  return starts;
}
