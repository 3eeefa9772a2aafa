import { Type, type Static, type TInteger, type TSchema } from 'typebox';
import { CHANNELS } from '../contract.ts';

/**
 * The wire shapes of the metrics, rooms and CSAT endpoints: the one definition of each
 * (OpenAPI, response serialization, the query functions' result types as Static<...>,
 * and the dashboard's types). Times in answers are RFC 3339 with the offset of the
 * answer's `tz` (README "Times on the wire").
 */

/** Calendar buckets of a series, in the filters' time zone (weeks start on Monday). */
export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
/** Who wrote first in a room. */
export const ORIGINS = ['inbound', 'broadcast', 'outbound'] as const;
/** The metrics of GET .../metrics/timeseries. */
export const SERIES_METRICS = ['total_chats', 'response_time', 'first_response_time', 'csat'] as const;
export type Interval = (typeof INTERVALS)[number];
export type SeriesMetric = (typeof SERIES_METRICS)[number];

/** The window as the answers echo it. */
export const PeriodSchema = Type.Object({
  from: Type.String({ description: 'Window start (inclusive), RFC 3339 in tz' }),
  to: Type.String({ description: 'Window end (exclusive), RFC 3339 in tz' }),
  tz: Type.String(),
  business_hours: Type.Boolean({ description: 'Durations are office time (false: calendar time, also when no office hours are set)' }),
});

const Num = (description?: string) => Type.Union([Type.Number(), Type.Null()], description ? { description } : {});
const Counts = <K extends string>(keys: readonly K[], description: string) =>
  Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer()])) as Record<K, TInteger>, { description });

const SCORES = ['1', '2', '3', '4', '5'] as const;

export const DurationsSchema = Type.Object(
  {
    avg_s: Num('Average, seconds (milliseconds kept); null over no rooms'),
    p50_s: Num('Median, exact, linear between closest ranks (PERCENTILE.INC)'),
    p90_s: Num('90th percentile, exact, as p50_s'),
    count: Type.Integer({ description: 'Rooms counted' }),
  },
  { description: 'Room durations in seconds' },
);

export const CsatSchema = Type.Object({
  responses: Type.Integer({ description: 'Rooms whose latest csat.submitted is in the window' }),
  avg_score: Num('Average score 1-5'),
  csat_pct: Num('Share of scores 4 and 5, percent 0-100'),
  scores: Counts(SCORES, 'Responses per score, every score listed'),
  response_rate: Num('responses / requested, percent; null when no survey was requested'),
  requested: Type.Integer({ description: 'Rooms with a csat.requested in the window' }),
});

export const TotalChatsFields = {
  total_chats: Type.Integer({ description: 'Rooms whose first event is in the window' }),
  chats_by_origin: Counts(ORIGINS, 'Rooms by origin, every origin listed'),
  chats_by_channel: Counts(CHANNELS, 'Rooms by channel, every channel listed'),
};

export const TotalChatsSchema = Type.Object(TotalChatsFields);

export const SummaryFields = {
  ...TotalChatsFields,
  resolved: Type.Integer({ description: 'Rooms whose latest room.resolved is in the window, assigned or not (response_time.count counts the assigned ones)' }),
  response_time: DurationsSchema,
  first_response_time: DurationsSchema,
  csat: CsatSchema,
};

/** Every manager number of one window: SPEC's summary shape (plus chats_by_channel and csat.requested). */
export const SummarySchema = Type.Object(SummaryFields);

export type Durations = Static<typeof DurationsSchema>;
export type Csat = Static<typeof CsatSchema>;
export type TotalChats = Static<typeof TotalChatsSchema>;
export type Summary = Static<typeof SummarySchema>;

export const SummaryResponse = Type.Object({
  ...SummaryFields,
  period: PeriodSchema,
  previous: Type.Object({ ...SummaryFields, period: PeriodSchema }, { description: 'The same numbers for the window of the same length just before' }),
});

const bucket = (fields: Record<string, TSchema>) => Type.Object({ start: Type.String({ description: 'Bucket start, RFC 3339 in tz' }), ...fields });

export const SeriesResponse = Type.Object({
  metric: Type.String(),
  interval: Type.String(),
  period: PeriodSchema,
  buckets: Type.Array(
    Type.Union([
      bucket(TotalChatsFields),
      bucket(DurationsSchema.properties as Record<string, TSchema>),
      bucket(CsatSchema.properties as Record<string, TSchema>),
    ]),
    { description: 'Every bucket the window touches, in order; empty ones with zero counts and null averages' },
  ),
});

export const SeriesQuery = {
  metric: Type.Enum([...SERIES_METRICS], { description: `One of ${SERIES_METRICS.join(', ')}` }),
  interval: Type.Optional(Type.Enum([...INTERVALS], { description: `${INTERVALS.join(', ')} (weeks start on Monday), in tz; default day`, default: 'day' })),
};

export const AgentsResponse = Type.Object({
  period: PeriodSchema,
  agents: Type.Array(Type.Object({ agent_id: Type.Union([Type.String(), Type.Null()], { description: 'null: rooms without an agent' }), ...SummaryFields })),
});

export const ChannelsResponse = Type.Object({
  period: PeriodSchema,
  channels: Type.Array(Type.Object({ channel: Type.Union([Type.String(), Type.Null()], { description: 'null: rooms with no room.opened or message yet' }), ...SummaryFields })),
});

const SlaLevel = Type.Object({
  target_s: Type.Union([Type.Number(), Type.Null()], { description: 'The target, seconds; null: none set (then every figure but rooms is null)' }),
  rooms: Type.Integer({ description: 'Rooms whose first assignment is in the window' }),
  met: Type.Union([Type.Integer(), Type.Null()]),
  breached: Type.Union([Type.Integer(), Type.Null()], { description: 'Over the target, or not done yet with more than the target passed at min(to, now)' }),
  pending: Type.Union([Type.Integer(), Type.Null()], { description: 'Not done yet, still within the target' }),
  met_pct: Type.Union([Type.Number(), Type.Null()], { description: 'met / (met + breached) x 100; null over none' }),
});
const SlaFields = { first_response: SlaLevel, resolution: SlaLevel };

export const SlaResponse = Type.Object({
  period: PeriodSchema,
  ...SlaFields,
  business_hours: Type.Boolean({ description: "Counted in office time (settings.sla.business_hours, with office hours set)" }),
  channels: Type.Array(Type.Object({ channel: Type.Union([Type.String(), Type.Null()]), ...SlaFields }), { description: 'Per channel, all eight; null for rooms without a channel yet' }),
  agents: Type.Array(Type.Object({ agent_id: Type.Union([Type.String(), Type.Null()], { description: 'null: rooms without an agent' }), ...SlaFields })),
});

const ExpiredFields = {
  expired_unanswered: Type.Integer({ description: 'Rooms with a 24 h window that closed in the period with no agent or bot message in it' }),
  rooms_with_inbound: Type.Integer({ description: 'Rooms with a window (the last inbound message of a 24 h run) that closed in the period' }),
  pct: Type.Union([Type.Number(), Type.Null()], { description: 'expired_unanswered / rooms_with_inbound x 100; null over none' }),
};
export const ExpiredResponse = Type.Object({
  period: PeriodSchema,
  ...ExpiredFields,
  channels: Type.Array(Type.Object({ channel: Type.Union([Type.String(), Type.Null()]), ...ExpiredFields }), { description: 'Per channel, all eight' }),
  agents: Type.Array(Type.Object({ agent_id: Type.Union([Type.String(), Type.Null()], { description: 'null: rooms without an agent' }), ...ExpiredFields })),
});

export const HeatmapResponse = Type.Object({
  period: PeriodSchema,
  weekdays: Type.Array(Type.String(), { description: 'Row labels: mon .. sun' }),
  rooms: Type.Array(Type.Array(Type.Integer()), { description: 'rooms[weekday][hour]: rooms started in that local hour (0-23) of that weekday' }),
  total: Type.Integer(),
});

const Time = (description: string) => Type.Union([Type.String(), Type.Null()], { description: `${description}, RFC 3339 in tz` });
const Str = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

export const RoomsResponse = Type.Object({
  period: PeriodSchema,
  rooms: Type.Array(
    Type.Object({
      room_id: Type.String(),
      started_at: Type.String({ description: 'The earliest event of the room, RFC 3339 in tz' }),
      channel: Str('null when the room has no room.opened or message'),
      contact_id: Str(''),
      origin: Type.String({ description: 'inbound, broadcast or outbound' }),
      agent_id: Str('The resolving agent, else the last assigned one'),
      first_assigned_at: Time('First room.assigned'),
      first_response_s: Num('First assignment to the first agent message at or after it, seconds'),
      resolved_at: Time('Latest room.resolved'),
      response_s: Num('First assignment to the latest resolve, seconds'),
      csat_score: Num('Latest CSAT score 1-5'),
      csat_comment: Str('Comment of that answer'),
    }),
  ),
  next_cursor: Str('Pass as cursor for the next page; null on the last page'),
  total: Type.Union([Type.Integer(), Type.Null()], { description: 'Rooms of the filters in all, on every page (null only for a cursor past the last room)' }),
});

export const CsatResponsesResponse = Type.Object({
  period: PeriodSchema,
  responses: Type.Array(
    Type.Object({
      room_id: Type.String(),
      submitted_at: Type.String({ description: 'RFC 3339 in tz' }),
      score: Type.Integer(),
      comment: Str('The comment, null without one'),
      agent_id: Str("The survey's agent, else the room's resolving or last assigned one"),
      channel: Str(''),
      contact_id: Str(''),
    }),
  ),
  next_cursor: Str('Pass as cursor for the next page; null on the last page'),
});

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size' })),
  cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'next_cursor of the previous page' })),
};
