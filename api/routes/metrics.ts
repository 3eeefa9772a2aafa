import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { checkInterval, CompareQuery, FilterQuery, parseCompare, parseFilters, period, type FilterInput, type ParsedFilters } from '../filters.ts';
import { rfc3339In } from '../../core/time.ts';
import { roomsHeatmap } from '../../sql/metrics/heatmap.ts';
import { metricSeries, type SeriesMetric } from '../../sql/metrics/series.ts';
import { emptySummary, summaryBy, summaryWithPrevious } from '../../sql/metrics/summary.ts';
import { CHANNELS, type Interval } from '../../sql/metrics/types.ts';
import {
  AgentsResponse,
  ChannelsResponse,
  HeatmapResponse,
  SeriesQuery,
  SeriesResponse,
  SummaryResponse,
} from '../../core/wire/metrics.ts';
import { ACCOUNT, errors, ref } from './openapi-schemas.ts';
import { roomsRoutes } from './rooms.ts';
import { csatRoutes } from './csat.ts';
import { slaRoutes } from './sla.ts';
import { expiredRoutes } from './expired.ts';
import { AccountParams } from './params.ts';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const FILTERS = 'Window [from, to) in tz (default: the 30 days up to today in the account time zone); channel and agent narrow the rooms.';

const schema = (summary: string, description: string, querystring: object, response: object) => ({
  summary,
  description: `${description} ${FILTERS}`,
  tags: ['metrics'],
  params: AccountParams,
  querystring: Type.Object(querystring as never),
  response: { 200: ref(response as TSchema) },
  errorResponses: errors(ACCOUNT),
});

/** Routes under /api/v1/accounts/:account/: manager metrics, the rooms drill-down and CSAT answers. */
export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  const db = app.ctx.db;
  const account = (req: { params: unknown }) => (req.params as { account: string }).account;
  // Keyed by the parsed filters (the window already resolved against the clock), never the raw URL.
  const cached = <T>(route: string, f: ParsedFilters, extra: unknown, fn: () => Promise<T>) => app.ctx.reads.get(f.account, JSON.stringify([route, f, extra]), fn);

  app.get(
    '/metrics/summary',
    {
      schema: schema(
        'Total chats, response time, first response time and CSAT',
        'The numbers of SPEC.md "Metrics" for the window, and `previous`: the same for the window of the same length just before, or for [compare_from, compare_to) when given (it must end at or before `from`).',
        { ...FilterQuery, ...CompareQuery },
        SummaryResponse,
      ),
    },
    async (req) => {
      const q = req.query as FilterInput & { compare_from?: string; compare_to?: string };
      const f = await parseFilters(db, account(req), q, app.ctx.clock());
      const compare = parseCompare(f, q);
      const s = await cached('summary', f, compare, () => summaryWithPrevious(db, f, compare));
      return { ...s.current, period: period(f), previous: { ...s.previous, period: period(f, s.previousFrom, s.previousTo) } };
    },
  );

  app.get(
    '/metrics/timeseries',
    {
      schema: schema(
        'One metric as a series of calendar buckets',
        'Buckets are hours, days, weeks (from Monday) or months in tz; every bucket the window touches is listed, empty ones with zero counts and null averages. An hourly series covers at most 31 days.',
        { ...FilterQuery, ...SeriesQuery },
        SeriesResponse,
      ),
    },
    async (req) => {
      const q = req.query as FilterInput & { metric: SeriesMetric; interval?: Interval };
      const interval = q.interval ?? 'day';
      const f = await parseFilters(db, account(req), q, app.ctx.clock());
      checkInterval(f, interval);
      const series = await cached('timeseries', f, [q.metric, interval], () => metricSeries(db, f, q.metric, interval));
      return { metric: q.metric, interval, period: period(f), buckets: series.map((b) => ({ start: rfc3339In(f.tz, b.start), ...b.value })) };
    },
  );

  app.get(
    '/metrics/agents',
    {
      schema: schema(
        'Every summary number per agent',
        'One row per agent: the agent that resolved the room, else the last assigned one (for CSAT, the survey agent when it names one). agent_id null gathers rooms without an agent. The rows add up to the summary.',
        FilterQuery,
        AgentsResponse,
      ),
    },
    async (req) => {
      const f = await parseFilters(db, account(req), req.query as FilterInput, app.ctx.clock());
      const rows = await cached('agents', f, null, () => summaryBy(db, f, 'agent'));
      return { period: period(f), agents: rows.map((r) => ({ agent_id: r.key || null, ...r.value })) };
    },
  );

  app.get(
    '/metrics/channels',
    {
      schema: schema(
        'Every summary number per channel',
        'One row per channel, all eight listed; a row with channel null appears only for rooms that have no room.opened or message yet. The rows add up to the summary.',
        FilterQuery,
        ChannelsResponse,
      ),
    },
    async (req) => {
      const f = await parseFilters(db, account(req), req.query as FilterInput, app.ctx.clock());
      const rows = new Map((await cached('channels', f, null, () => summaryBy(db, f, 'channel'))).map((r) => [r.key, r.value]));
      const channels = CHANNELS.map((c) => ({ channel: c as string | null, ...(rows.get(c) ?? emptySummary()) }));
      const none = rows.get('');
      if (none) channels.push({ channel: null, ...none });
      return { period: period(f), channels };
    },
  );

  app.get(
    '/metrics/heatmap',
    {
      schema: schema(
        'Rooms started by weekday and hour of day',
        'rooms[weekday][hour] counts the rooms whose first event falls in that local hour of that weekday (Monday first) in tz.',
        FilterQuery,
        HeatmapResponse,
      ),
    },
    async (req) => {
      const f = await parseFilters(db, account(req), req.query as FilterInput, app.ctx.clock());
      const rooms = await cached('heatmap', f, null, () => roomsHeatmap(db, f));
      return { period: period(f), weekdays: WEEKDAYS, rooms, total: rooms.flat().reduce((a, b) => a + b, 0) };
    },
  );

  await app.register(roomsRoutes);
  await app.register(csatRoutes);
  await app.register(slaRoutes);
  await app.register(expiredRoutes);
}
