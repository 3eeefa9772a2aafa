import { Type } from 'typebox';
import type { Db } from '../sql/db.ts';
import { accountTimezone } from '../sql/account.ts';
import { officeTimeOf } from '../sql/metrics/office-time.ts';
import { CHANNELS, type MetricFilters } from '../sql/metrics/types.ts';
import { badRequest } from './errors.ts';
import { addLocalDays, canonicalTimeZone, fromLocal, rfc3339In, startOfLocalDay } from '../core/time.ts';

/** Longest window a metric request may cover, days. */
export const MAX_RANGE_DAYS = 400;
/** Longest window of an hourly series, days (744 buckets). */
export const MAX_HOURLY_DAYS = 31;
/** Window when `from` is left out: this many calendar days before `to`. */
export const DEFAULT_DAYS = 30;

/** Most agents one request may filter on. */
export const MAX_AGENTS = 100;

const DAY_MS = 86_400_000;
/** A window measured in local days can be an hour longer across a daylight-saving change. */
const DST_SLACK_MS = 3_600_000;

/** Query parameters shared by every metrics, rooms and CSAT endpoint (OpenAPI and coercion; the checks are in parseFilters). */
export const FilterQuery = {
  from: Type.Optional(
    Type.String({
      description: `Window start, inclusive: a date YYYY-MM-DD (the start of that day in tz) or an RFC 3339 timestamp. Default: ${DEFAULT_DAYS} days before to.`,
      examples: ['2026-10-01', '2026-10-01T00:00:00+07:00'],
    }),
  ),
  to: Type.Optional(
    Type.String({
      description: 'Window end, exclusive: a date YYYY-MM-DD (the start of that day in tz, so to=2026-11-01 ends with 31 October) or an RFC 3339 timestamp. Default: the start of tomorrow in tz.',
      examples: ['2026-11-01'],
    }),
  ),
  tz: Type.Optional(
    Type.String({ description: "IANA time zone of dates and calendar buckets. Default: the account's (its latest plan's; Asia/Jakarta without one).", examples: ['Asia/Jakarta', 'UTC'] }),
  ),
  channel: Type.Optional(
    Type.Array(Type.String(), { description: `Only these channels: repeat the parameter or separate with commas. One of ${CHANNELS.join(', ')}.` }),
  ),
  agent: Type.Optional(
    Type.Array(Type.String(), {
      description: `Only rooms of these agents (the resolving agent, else the last assigned one; for CSAT the survey agent when given). Repeat the parameter for several (at most ${MAX_AGENTS}, each 1-256 characters).`,
    }),
  ),
  business_hours: Type.Optional(
    Type.Boolean({
      description:
        "Response and first-response times count only office time (the account's office hours, PUT .../settings, in the account's time zone). Without office hours set, calendar time.",
      default: false,
    }),
  ),
};

export interface FilterInput {
  from?: string;
  to?: string;
  tz?: string;
  channel?: string[];
  agent?: string[];
  business_hours?: boolean;
}

/** The filters a schedule keeps (JSON in export_schedules.filters), handed to parseFilters at each run. */
export type ScheduleFilters = Pick<FilterInput, 'channel' | 'agent' | 'business_hours'> & {
  /** The files' language (api/export/words.ts); absent in schedules saved before it: English. */
  lang?: 'en' | 'id';
};

/** The checked filters plus what the answer echoes in its `period`. */
export interface ParsedFilters extends MetricFilters {
  /** True when durations are office time (business_hours asked for and office hours set). */
  businessHours: boolean;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;

/** Years a window may name: calendar buckets use ClickHouse DateTime (1970-2106). */
function validDate(y: number, m: number, d: number): boolean {
  if (y < 1970 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * A `from` / `to` value as an instant: a date is the start of that day in tz. The one
 * parser of request times: metrics, rooms, CSAT, exports and billing.
 */
export function parseInstant(field: string, value: string, tz: string): number {
  const d = DATE.exec(value);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    if (!validDate(y, m, day)) throw badRequest(field, `${value} is not a calendar date`);
    return fromLocal(tz, y, m, day);
  }
  if (TIMESTAMP.test(value)) return parseTimestamp(field, value);
  throw badRequest(field, 'must be a date YYYY-MM-DD or an RFC 3339 timestamp such as 2026-10-01T00:00:00+07:00');
}

/** An RFC 3339 timestamp (Z or a numeric offset) as unix ms; 400 naming the field otherwise. */
export function parseTimestamp(field: string, value: string): number {
  const t = TIMESTAMP.exec(value);
  if (t) {
    const [y, m, day, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(t[i]));
    const okOffset = !t[9] || (Number(t[9]) <= 23 && Number(t[10]) <= 59);
    if (!validDate(y, m, day) || h > 23 || mi > 59 || s > 59 || !okOffset) throw badRequest(field, `${value} is not a valid time`);
    const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
    if (Number.isNaN(ms)) throw badRequest(field, `${value} is not a valid time`);
    return ms;
  }
  throw badRequest(field, 'must be an RFC 3339 timestamp such as 2026-10-20T12:00:00+07:00');
}

/** Channels from repeated and comma-separated values, each checked. */
export function parseChannels(values: string[] | undefined): string[] {
  const out = new Set<string>();
  for (const v of values ?? []) {
    for (const c of v.split(',').map((s) => s.trim())) {
      if (!c) continue;
      if (!(CHANNELS as readonly string[]).includes(c)) throw badRequest('channel', `unknown channel "${c.slice(0, 40)}"; one of ${CHANNELS.join(', ')}`);
      out.add(c);
    }
  }
  return [...out];
}

/** Agent ids, repeated values (an agent id may contain commas); empty values are ignored. */
export function parseAgents(values: string[] | undefined): string[] {
  const out = new Set((values ?? []).filter((a) => a !== ''));
  for (const a of out) if (a.length > 256) throw badRequest('agent', 'an agent id has at most 256 characters');
  if (out.size > MAX_AGENTS) throw badRequest('agent', `at most ${MAX_AGENTS} agents`);
  return [...out];
}

/**
 * Checks the shared query parameters and resolves the defaults: tz = the account's,
 * to = the start of tomorrow in tz, from = `DEFAULT_DAYS` calendar days before to.
 * Throws 400 invalid_parameter with the offending field.
 */
export async function parseFilters(db: Db, account: string, q: FilterInput, now: number): Promise<ParsedFilters> {
  let tz: string;
  if (q.tz !== undefined) {
    const c = canonicalTimeZone(q.tz);
    if (!c) throw badRequest('tz', `unknown time zone "${q.tz.slice(0, 64)}"; use an IANA name such as Asia/Jakarta or UTC`);
    tz = c;
  } else {
    tz = await accountTimezone(db, account);
  }
  const to = q.to !== undefined ? parseInstant('to', q.to, tz) : startOfLocalDay(tz, now, 1);
  const from = q.from !== undefined ? parseInstant('from', q.from, tz) : addLocalDays(tz, to, -DEFAULT_DAYS);
  if (to <= from) throw badRequest('to', `must be after from (from ${rfc3339In(tz, from)}, to ${rfc3339In(tz, to)})`);
  if (to - from > MAX_RANGE_DAYS * DAY_MS + DST_SLACK_MS) throw badRequest('to', `the window may cover at most ${MAX_RANGE_DAYS} days`);
  const channels = parseChannels(q.channel);
  const agents = parseAgents(q.agent);
  const office = q.business_hours ? await officeTimeOf(db, account) : null;
  return { account, from, to, tz, channels, agents, office, businessHours: office !== null };
}

/** The window a summary is compared with, when not the one of the same length just before (summary, overview export). */
export const CompareQuery = {
  compare_from: Type.Optional(Type.String({ description: 'Start of the window to compare with (inclusive; a date in tz or an RFC 3339 timestamp); with compare_to. Default: the window of the same length just before.' })),
  compare_to: Type.Optional(Type.String({ description: 'End of the window to compare with (exclusive), at or before `from`' })),
};

/** compare_from / compare_to as unix ms, or undefined when neither is given; 400 with the field otherwise. */
export function parseCompare(f: ParsedFilters, q: { compare_from?: string; compare_to?: string }): { from: number; to: number } | undefined {
  if (q.compare_from === undefined && q.compare_to === undefined) return undefined;
  if (q.compare_from === undefined) throw badRequest('compare_from', 'is required with compare_to');
  if (q.compare_to === undefined) throw badRequest('compare_to', 'is required with compare_from');
  const from = parseInstant('compare_from', q.compare_from, f.tz);
  const to = parseInstant('compare_to', q.compare_to, f.tz);
  if (to <= from) throw badRequest('compare_to', 'must be after compare_from');
  if (to > f.from) throw badRequest('compare_to', 'must be at or before from: the comparison is a window before the one shown');
  if (to - from > MAX_RANGE_DAYS * DAY_MS + DST_SLACK_MS) throw badRequest('compare_to', `the comparison may cover at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}

/** The hourly series limit: at most `MAX_HOURLY_DAYS` days. */
export function checkInterval(f: MetricFilters, interval: string): void {
  if (interval === 'hour' && f.to - f.from > MAX_HOURLY_DAYS * DAY_MS + DST_SLACK_MS) {
    throw badRequest('interval', `an hourly series may cover at most ${MAX_HOURLY_DAYS} days; use interval=day or a shorter window`);
  }
}


export function period(f: ParsedFilters, from = f.from, to = f.to) {
  return { from: rfc3339In(f.tz, from), to: rfc3339In(f.tz, to), tz: f.tz, business_hours: f.businessHours };
}
