/**
 * The filters every page shares, and their home: the URL's query string. Reading the URL
 * gives the filters, writing the filters gives the URL, so a link reproduces the view and
 * the browser's Back button undoes a filter change. Defaults are left out of the URL.
 */
import type { Channel } from '../../../core/contract.ts';
import type { Interval } from '../../../core/wire/metrics.ts';
import { addDays, addMonths, daysBetween, isPlainDate, isTimeZone, startOfMonth, type PlainDate } from './dates.ts';

/** The channels of the event contract, in its order (the type check below keeps them in step). */
export const CHANNELS = ['whatsapp', 'instagram', 'facebook', 'twitter', 'email', 'webchat', 'telegram', 'line'] as const satisfies readonly Channel[];
export const INTERVALS = ['hour', 'day', 'week', 'month'] as const satisfies readonly Interval[];
// Compile-time: every channel / interval of the server's types is listed above.
const everyChannel: Exclude<Channel, (typeof CHANNELS)[number]> extends never ? true : false = true;
const everyInterval: Exclude<Interval, (typeof INTERVALS)[number]> extends never ? true : false = true;
void everyChannel;
void everyInterval;

export const PRESETS = ['today', '7d', '30d', 'this-month', 'last-month'] as const;
export type Preset = (typeof PRESETS)[number];
export type RangeKind = Preset | 'custom';
export type IntervalChoice = 'auto' | Interval;

export interface Filters {
  range: RangeKind;
  /** Custom range only: first and last day, both included (as people say "1 to 31 October"). */
  from: PlainDate | null;
  to: PlainDate | null;
  /** Empty: every channel / agent. */
  channels: Channel[];
  agents: string[];
  interval: IntervalChoice;
  /** IANA zone of dates and buckets; null: the account's own (the API's default). */
  tz: string | null;
  /** Response times counted in the account's office hours only (the API's business_hours). */
  businessHours: boolean;
}

/** The landing view: the last 7 days against the 7 before (a part of today against the whole of yesterday would always look like a fall). */
export const DEFAULT_FILTERS: Readonly<Filters> = Object.freeze({
  range: '7d',
  from: null,
  to: null,
  channels: [],
  agents: [],
  interval: 'auto',
  tz: null,
  businessHours: false,
});

/** The query-string names the filters own; pages may add others (sort, score, ...). */
export const FILTER_PARAMS = ['range', 'from', 'to', 'channel', 'agent', 'interval', 'tz', 'business_hours'] as const;

const isChannel = (c: string): c is Channel => (CHANNELS as readonly string[]).includes(c);

/** Filters from a query string; anything unreadable falls back to its default rather than failing. */
export function parseFilters(q: URLSearchParams): Filters {
  const f: Filters = { ...DEFAULT_FILTERS, channels: [], agents: [] };
  const from = q.get('from');
  const to = q.get('to');
  const range = q.get('range');
  if (isPlainDate(from) && isPlainDate(to) && from <= to && (range === null || range === 'custom')) {
    f.range = 'custom';
    f.from = from;
    f.to = to;
  } else if (range && (PRESETS as readonly string[]).includes(range)) {
    f.range = range as Preset;
  }
  f.channels = unique(q.getAll('channel').flatMap((c) => c.split(','))).filter(isChannel);
  f.agents = unique(q.getAll('agent').filter((a) => a.length > 0 && a.length <= 256));
  const interval = q.get('interval');
  if (interval && (INTERVALS as readonly string[]).includes(interval)) f.interval = interval as Interval;
  const tz = q.get('tz');
  if (isTimeZone(tz)) f.tz = tz;
  f.businessHours = q.get('business_hours') === 'true';
  return f;
}

/** Writes the filters into `q` (other parameters are kept), leaving defaults out. */
export function writeFilters(f: Filters, q: URLSearchParams = new URLSearchParams()): URLSearchParams {
  for (const k of FILTER_PARAMS) q.delete(k);
  if (f.range === 'custom' && f.from && f.to) {
    q.set('from', f.from);
    q.set('to', f.to);
  } else if (f.range !== DEFAULT_FILTERS.range && f.range !== 'custom') {
    q.set('range', f.range);
  }
  if (f.channels.length) q.set('channel', [...f.channels].sort((a, b) => CHANNELS.indexOf(a) - CHANNELS.indexOf(b)).join(','));
  for (const a of f.agents) q.append('agent', a);
  if (f.interval !== 'auto') q.set('interval', f.interval);
  if (f.tz) q.set('tz', f.tz);
  if (f.businessHours) q.set('business_hours', 'true');
  return q;
}

/** The period a view covers, half-open [from, to) like the API, and the one it is compared with. */
export interface Window {
  from: PlainDate;
  /** Exclusive. */
  to: PlainDate;
  /** The period compared with, as dates (what the page's title names). */
  prevFrom: PlainDate;
  prevTo: PlainDate;
  /**
   * The summary's compare_from / compare_to when the comparison is not the window of the
   * same length just before (the API's default): today so far against the same hours of
   * yesterday (compare_to an instant), last month against the whole month before.
   */
  compare?: { from: string; to: string };
  interval: Interval;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Dates of the filters' period, given today's date in their time zone and the time now
 * (unix ms). "This month" is the month so far. The comparison is the same number of days
 * just before, except for "today" (the same hours of yesterday, to the next whole minute
 * past now) and "last month" (the whole month before, whatever its length).
 */
export function resolveWindow(f: Filters, today: PlainDate, now: number = Date.now()): Window {
  let from: PlainDate, to: PlainDate;
  switch (f.range) {
    case 'custom':
      from = f.from!;
      to = addDays(f.to!, 1);
      break;
    case 'today':
      from = today;
      to = addDays(today, 1);
      break;
    case '7d':
    case '30d':
      from = addDays(today, 1 - (f.range === '7d' ? 7 : 30));
      to = addDays(today, 1);
      break;
    case 'this-month':
      from = startOfMonth(today);
      to = addDays(today, 1);
      break;
    case 'last-month':
      from = addMonths(today, -1);
      to = startOfMonth(today);
      break;
  }
  const days = daysBetween(from, to);
  const interval = f.interval === 'auto' ? autoInterval(days) : f.interval;
  if (f.range === 'today') {
    const prevFrom = addDays(today, -1);
    const until = new Date(Math.ceil(now / MINUTE_MS) * MINUTE_MS - DAY_MS).toISOString();
    return { from, to, prevFrom, prevTo: today, compare: { from: prevFrom, to: until }, interval };
  }
  if (f.range === 'last-month') {
    const prevFrom = addMonths(from, -1);
    return { from, to, prevFrom, prevTo: from, compare: { from: prevFrom, to: from }, interval };
  }
  return { from, to, prevFrom: addDays(from, -days), prevTo: from, interval };
}

/** A readable number of points: hours for a day, days up to two months, then weeks, then months. */
export function autoInterval(days: number): Interval {
  if (days <= 1) return 'hour';
  if (days <= 62) return 'day';
  if (days <= 366) return 'week';
  return 'month';
}

/**
 * The query of a metrics request for a window: `from`/`to` (dates in tz), tz, channel,
 * `agent` repeated (an agent id may contain a comma), and business_hours when asked.
 */
export function apiQuery(f: Filters, w: { from: PlainDate; to: PlainDate }, extra: Record<string, string | number | boolean | undefined> = {}): URLSearchParams {
  const q = new URLSearchParams({ from: w.from, to: w.to });
  if (f.tz) q.set('tz', f.tz);
  if (f.channels.length) q.set('channel', f.channels.join(','));
  for (const a of f.agents) q.append('agent', a);
  if (f.businessHours) q.set('business_hours', 'true');
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q;
}

const unique = <T>(xs: T[]) => [...new Set(xs)];
