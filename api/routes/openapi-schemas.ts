import { Type, type TSchema } from 'typebox';
import {
  BalanceAdjustment,
  BalanceTopup,
  CsatRequested,
  CsatSubmitted,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  IngestResult,
  Message,
  PlanChanged,
  RoomAssigned,
  RoomOpened,
  RoomResolved,
  type EventType,
} from '../../core/contract.ts';
import { AccountInfo, AccountList, SessionInfo } from '../../core/wire/session.ts';
import { Settings } from '../../sql/settings.ts';
import { RunDoc, ScheduleDoc } from '../../core/wire/exports.ts';
import { AlertsSchema, BalanceSchema, ConversationsSchema, LedgerSchema, StatementSchema, TransactionsSchema, UsageSchema, VisitorsSchema, ExpiredReachSchema } from '../../core/wire/billing.ts';
import { CampaignContactsResponse, CampaignsResponse } from '../../core/wire/campaigns.ts';
import { AgentsResponse, ChannelsResponse, CsatResponsesResponse, ExpiredResponse, HeatmapResponse, RoomsResponse, SeriesResponse, SlaResponse, SummaryResponse } from '../../core/wire/metrics.ts';

/**
 * The named schemas of /openapi.json (`components.schemas.<name>`). api/app.ts adds each
 * one with `app.addSchema` (its name as `$id`); a route points at one with `ref(...)`,
 * which fastify resolves for serialization and @fastify/swagger writes as
 * `$ref: '#/components/schemas/<name>'`. The schema objects themselves stay where they are
 * defined (and keep giving the TypeScript types); this file only names them.
 */

/** The one error shape of the API (api/errors.ts): every 4xx and 5xx answer. */
const ErrorDetail = Type.Object({
  code: Type.String({ description: 'Machine-readable: invalid_parameter, unauthorized, forbidden, not_found, rate_limited, ...', examples: ['invalid_parameter'] }),
  message: Type.String({ description: 'A sentence for people' }),
  field: Type.Optional(Type.String({ description: 'The parameter or body field at fault (400)' })),
});
const ErrorBody = Type.Object({ error: ErrorDetail }, { description: 'An error: `{error: {code, message, field?}}`' });

/** POST /events answers 400 with the counts too when no line of the body is valid JSON. */
const IngestFailure = Type.Object(
  {
    error: ErrorDetail,
    accepted: Type.Optional(Type.Integer()),
    duplicates: Type.Optional(Type.Integer()),
    rejected: Type.Optional(Type.Integer()),
    errors: Type.Optional(IngestResult.properties.errors),
    errors_truncated: Type.Optional(Type.Integer({ description: 'Rejected lines not listed in errors (422)' })),
  },
  {
    description:
      'An error; with code nothing_parseable (400: no line is valid JSON) or too_many_rejected_lines (422: more than MAX_REJECTED_LINES lines were rejected; ' +
      'error.limit and error.line say where reading stopped) also the counts and the rejected lines of IngestResult',
  },
);

/** Component name of each event type: the contract's schema name + "Event". */
export const EVENT_SCHEMA_NAMES = {
  'room.opened': 'RoomOpenedEvent',
  message: 'MessageEvent',
  'room.assigned': 'RoomAssignedEvent',
  'room.resolved': 'RoomResolvedEvent',
  'csat.requested': 'CsatRequestedEvent',
  'csat.submitted': 'CsatSubmittedEvent',
  'balance.topup': 'BalanceTopupEvent',
  'balance.adjustment': 'BalanceAdjustmentEvent',
  'plan.changed': 'PlanChangedEvent',
} as const satisfies Record<EventType, string>;

const EventUnion = Type.Unsafe({
  description: 'One event; `type` selects the fields. Fields not listed are accepted and ignored.',
  anyOf: EVENT_TYPES.map((t) => ({ $ref: EVENT_SCHEMA_NAMES[t] })),
});

const Health = Type.Object({
  status: Type.String(),
  clickhouse: Type.Object({ mode: Type.String({ description: 'embedded or server' }), version: Type.String({ description: "The store's version ('unknown' until it first answered)" }) }),
  reads: Type.Object(
    {
      running: Type.Integer({ description: 'Reads on a store connection now' }),
      queued: Type.Integer({ description: 'Reads waiting for a connection' }),
      admitted: Type.Integer({ description: 'Account reads (every GET under /api/v1/accounts/) in progress: each is admitted once, with all its queries' }),
      max: Type.Integer({ description: 'READ_QUEUE_MAX: past this many requests waiting beyond the connections, reads get 503 overloaded (0 = no bound)' }),
    },
    { description: 'The read queue of this instance (sql/db.ts)' },
  ),
});

const KeyRecord = Type.Object({
  key_id: Type.String(),
  account_id: Type.String({ description: "'' for an admin key" }),
  role: Type.String({ description: 'admin or account' }),
  name: Type.String(),
  created_at: Type.String(),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
});

const RejectedLine = Type.Object({
  received_at: Type.String(),
  request_id: Type.String(),
  account_id: Type.String(),
  line: Type.Integer(),
  event_id: Type.String(),
  field: Type.String(),
  message: Type.String(),
  raw: Type.String({ description: 'The line as received' }),
  raw_bytes: Type.Integer(),
});

const AuditEntry = Type.Object({
  at: Type.String({ description: 'UTC, YYYY-MM-DD hh:mm:ss.sss' }),
  actor_key_id: Type.String(),
  account_id: Type.String(),
  action: Type.String({ description: 'key.create, key.revoke, key.rotate, schedule.create, schedule.update, schedule.delete' }),
  target: Type.String(),
  detail: Type.Object({}, { additionalProperties: true, description: 'What changed, per action' }),
});

const COMPONENTS = {
  Error: ErrorBody,
  Event: EventUnion,
  RoomOpenedEvent: RoomOpened,
  MessageEvent: Message,
  RoomAssignedEvent: RoomAssigned,
  RoomResolvedEvent: RoomResolved,
  CsatRequestedEvent: CsatRequested,
  CsatSubmittedEvent: CsatSubmitted,
  BalanceTopupEvent: BalanceTopup,
  BalanceAdjustmentEvent: BalanceAdjustment,
  PlanChangedEvent: PlanChanged,
  IngestResult,
  IngestFailure,
  Health,
  SessionInfo,
  AccountList,
  AccountInfo,
  StoreChecksum: Type.Object({ events: Type.Integer({ description: 'Stored rows' }), distinct: Type.Integer({ description: 'Distinct (account_id, id)' }) }),
  AccountChecksum: Type.Object({ events: Type.Integer({ description: 'Distinct event ids' }), crc32_sum: Type.String({ description: 'Sum of CRC32(id), decimal' }) }),
  RejectedLines: Type.Object({ items: Type.Array(RejectedLine), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
  Key: KeyRecord,
  KeyList: Type.Object({ items: Type.Array(Type.Ref('Key')) }),
  NewKey: Type.Object({ key: Type.String({ description: 'The secret: shown only in this answer' }), ...KeyRecord.properties }),
  RotatedKey: Type.Object({ key: Type.String({ description: 'The new secret: shown only in this answer' }), replaces: Type.String({ description: 'key_id of the revoked key' }), ...KeyRecord.properties }),
  RevokedKey: Type.Object({ revoked: Type.String({ description: 'key_id' }) }),
  AuditLog: Type.Object({ items: Type.Array(AuditEntry) }),
  Settings,
  Summary: SummaryResponse,
  Timeseries: SeriesResponse,
  AgentsSummary: AgentsResponse,
  ChannelsSummary: ChannelsResponse,
  ServiceLevels: SlaResponse,
  ExpiredWindows: ExpiredResponse,
  Campaigns: CampaignsResponse,
  CampaignContacts: CampaignContactsResponse,
  Heatmap: HeatmapResponse,
  Rooms: RoomsResponse,
  CsatResponses: CsatResponsesResponse,
  Usage: UsageSchema,
  Balance: BalanceSchema,
  Statement: StatementSchema,
  Ledger: LedgerSchema,
  Conversations: ConversationsSchema,
  Visitors: VisitorsSchema,
  Transactions: TransactionsSchema,
  ExpiredReach: ExpiredReachSchema,
  Alerts: AlertsSchema,
  Schedule: ScheduleDoc,
  ScheduleList: Type.Object({ schedules: Type.Array(Type.Ref('Schedule')) }),
  Run: RunDoc,
  ExportRuns: Type.Object({ runs: Type.Array(Type.Ref('Run')), next_before: Type.Union([Type.String(), Type.Null()], { description: 'Pass as before for the next page; null on the last' }) }),
} satisfies Record<string, TSchema>;

export type SchemaName = keyof typeof COMPONENTS;
export const SCHEMA_NAMES = Object.keys(COMPONENTS) as SchemaName[];

// Every event type has its component (a new type in the contract without one fails here, at start).
for (const t of EVENT_TYPES) if (COMPONENTS[EVENT_SCHEMA_NAMES[t]] !== EVENT_SCHEMAS[t]) throw new Error(`no OpenAPI component for event type ${t}`);

/** The schemas to give `app.addSchema`, each with its name as `$id`. */
export function sharedSchemas(): Array<Record<string, unknown> & { $id: SchemaName }> {
  return SCHEMA_NAMES.map((name) => ({ ...COMPONENTS[name], $id: name }));
}

const nameOf = new Map<unknown, SchemaName>(SCHEMA_NAMES.map((n) => [COMPONENTS[n], n]));

/** A reference to a named schema, by name or by the schema object itself (which must be one of COMPONENTS). */
export function ref(schema: SchemaName | TSchema, description?: string): TSchema {
  const name = typeof schema === 'string' ? schema : nameOf.get(schema);
  if (!name) throw new Error('response schema without a name: add it to COMPONENTS in api/routes/openapi-schemas.ts');
  return Type.Ref(name, description ? { description } : {});
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429 | 500 | 503;

const ERROR_TEXT: Record<ErrorStatus, string> = {
  400: 'A parameter or the body is invalid: `error.field` names it',
  401: 'No valid API key (Authorization: Bearer <key>) or session cookie',
  403: 'The key may not do this: another account, or not an admin key; or a cookie request without the X-Requested-With header',
  404: 'Not found',
  409: 'Conflicts with the current state',
  410: 'Gone',
  413: 'The body is larger than the limit',
  415: 'Unsupported Content-Type or Content-Encoding',
  429: 'More than RATE_LIMIT_PER_MIN requests a minute with this key: retry after Retry-After seconds',
  500: 'Internal error; logged under the x-request-id of the answer',
  503: 'Overloaded: more than READ_QUEUE_MAX reads are waiting; retry after Retry-After seconds',
};

/**
 * The error answers of a route, all `Error`, for its `errorResponses` (see below). They are
 * documentation only: the error handler's body (api/errors.ts) is sent as it is made.
 */
export function errors(statuses: ErrorStatus[], texts: Partial<Record<ErrorStatus, string>> = {}): Record<number, TSchema> {
  return Object.fromEntries(
    statuses.map((s) => {
      const r = ref('Error', texts[s] ?? ERROR_TEXT[s]) as TSchema & { headers?: unknown };
      if (s === 429 || s === 503) r.headers = { 'retry-after': { type: 'integer', description: 'Seconds until the budget refills' } };
      return [s, r];
    }),
  );
}

/** Error statuses a route under /accounts/:account/ can answer (its own account or an admin key), with parameters. */
export const ACCOUNT: ErrorStatus[] = [400, 401, 403, 429, 500, 503];
/** ... and with a JSON body. */
export const ACCOUNT_BODY: ErrorStatus[] = [400, 401, 403, 413, 415, 429, 500, 503];
/** A downloaded file: the response of a route that streams one (never serialized by fastify). */
export function fileResponse(description: string, mediaTypes: string[]): TSchema {
  return Type.Unsafe({
    description,
    headers: { 'content-disposition': { type: 'string', description: 'attachment; filename="..."; filename*=UTF-8\'\'...' } },
    content: Object.fromEntries(mediaTypes.map((m) => [m, { schema: { type: 'string', format: 'binary' } }])),
  });
}

declare module 'fastify' {
  interface FastifySchema {
    /**
     * Error answers for /openapi.json only (api/app.ts moves them into `response` there).
     * Not in `response` itself: fastify would compile a serializer per status (about 3 ms
     * each with every shared schema, 0.7 s at start for the API) and drop any field the
     * error handler adds that the schema lacks.
     */
    errorResponses?: Record<number, TSchema>;
    /** A request body for /openapi.json only, never validated (POST /events reads the raw stream). */
    documentedBody?: unknown;
  }
}
