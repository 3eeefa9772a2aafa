import { Type, type Static, type TSchema } from 'typebox';

/**
 * The event contract of SPEC.md, as one schema per event type. These schemas give the
 * TypeScript types, validate every ingested line (ingest/validate.ts) and document
 * POST /api/v1/events in OpenAPI. Fields not listed here are accepted and ignored.
 */

export const CHANNELS = ['whatsapp', 'instagram', 'facebook', 'twitter', 'email', 'webchat', 'telegram', 'line'] as const;
export const EVENT_TYPES = [
  'room.opened',
  'message',
  'room.assigned',
  'room.resolved',
  'csat.requested',
  'csat.submitted',
  'balance.topup',
  'balance.adjustment',
  'plan.changed',
] as const;
export type Channel = (typeof CHANNELS)[number];
export type EventType = (typeof EVENT_TYPES)[number];

/** RFC 3339 with `Z` or a numeric offset; fractions beyond milliseconds are truncated. */
export const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';
/**
 * 1-64 characters, the first a letter or digit: an id made of dots (`.`, `..`) could
 * otherwise name a path outside a folder built from it (EXPORT_DIR/<account>).
 */
export const ACCOUNT_ID = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
/** Largest money amount accepted, rupiah: far above any real top-up, far below 2^53. */
export const MAX_AMOUNT = 1_000_000_000_000_000;
/** Largest quota or price accepted (UInt32 column). */
export const MAX_PLAN_NUMBER = 4_000_000_000;

const Ref = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });
const Common = {
  id: Type.String({ minLength: 1, maxLength: 128, description: 'Unique per account; a repeated id is a retry of the same event.' }),
  account_id: Type.String({ pattern: ACCOUNT_ID, description: 'The tenant: 1-64 characters of A-Z a-z 0-9 _ . -, the first a letter or digit' }),
  occurred_at: Type.String({ pattern: RFC3339, description: 'RFC 3339 with Z or a numeric offset; milliseconds kept.', examples: ['2026-11-02T09:15:00+07:00'] }),
};
const Channel = Type.Union(CHANNELS.map((c) => Type.Literal(c)), { description: 'The inbox channel' });

export const RoomOpened = Type.Object({
  ...Common,
  type: Type.Literal('room.opened'),
  room_id: Ref('Room id'),
  channel: Channel,
  contact_id: Ref("The customer's id on that channel (phone number on WhatsApp)"),
  origin: Type.Union([Type.Literal('inbound'), Type.Literal('broadcast'), Type.Literal('outbound')]),
});

export const Message = Type.Object({
  ...Common,
  type: Type.Literal('message'),
  room_id: Ref('Room id'),
  channel: Channel,
  contact_id: Ref("The customer's id on that channel"),
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  sender: Type.Optional(
    Type.Union([Type.Literal('agent'), Type.Literal('bot'), Type.Literal('broadcast'), Type.Literal('system')], {
      description: 'Required for outbound messages',
    }),
  ),
  agent_id: Type.Optional(Ref('Required when sender is agent')),
  template: Type.Optional(Type.Boolean({ description: 'HSM / template message; default false' })),
  campaign_id: Type.Optional(Ref('Broadcast campaign')),
});

export const RoomAssigned = Type.Object({ ...Common, type: Type.Literal('room.assigned'), room_id: Ref('Room id'), agent_id: Ref('Agent id') });
export const RoomResolved = Type.Object({
  ...Common,
  type: Type.Literal('room.resolved'),
  room_id: Ref('Room id'),
  agent_id: Type.Optional(Ref('Resolving agent')),
});
export const CsatRequested = Type.Object({ ...Common, type: Type.Literal('csat.requested'), room_id: Ref('Room id') });
export const CsatSubmitted = Type.Object({
  ...Common,
  type: Type.Literal('csat.submitted'),
  room_id: Ref('Room id'),
  score: Type.Integer({ minimum: 1, maximum: 5 }),
  comment: Type.Optional(Type.String({ maxLength: 2000 })),
  agent_id: Type.Optional(Ref("Else the room's resolving or last assigned agent")),
});
export const BalanceTopup = Type.Object({
  ...Common,
  type: Type.Literal('balance.topup'),
  amount: Type.Integer({ minimum: 1, maximum: MAX_AMOUNT, description: 'Rupiah, > 0' }),
  reference: Type.Optional(Type.String({ maxLength: 1000 })),
});
export const BalanceAdjustment = Type.Object({
  ...Common,
  type: Type.Literal('balance.adjustment'),
  amount: Type.Integer({ minimum: -MAX_AMOUNT, maximum: MAX_AMOUNT, not: { const: 0 }, description: 'Rupiah, non-zero, may be negative' }),
  reason: Type.String({ minLength: 1, maxLength: 1000 }),
});
const PlanNumber = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_PLAN_NUMBER, description });
export const PlanChanged = Type.Object({
  ...Common,
  type: Type.Literal('plan.changed'),
  mcc_free_monthly: PlanNumber('Free WhatsApp conversations a month'),
  muv_free_monthly: PlanNumber('Free unique visitors a month'),
  price_mcc_service: PlanNumber('Rupiah per service conversation'),
  price_mcc_initiated: PlanNumber('Rupiah per initiated conversation'),
  price_muv: PlanNumber('Rupiah per visitor over the free quota'),
  mcc_rollover: Type.Boolean({ description: 'Unused MCC quota carries into the next month' }),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone; default Asia/Jakarta' })),
});

export const EVENT_SCHEMAS: Record<EventType, TSchema> = {
  'room.opened': RoomOpened,
  message: Message,
  'room.assigned': RoomAssigned,
  'room.resolved': RoomResolved,
  'csat.requested': CsatRequested,
  'csat.submitted': CsatSubmitted,
  'balance.topup': BalanceTopup,
  'balance.adjustment': BalanceAdjustment,
  'plan.changed': PlanChanged,
};

export const Event = Type.Union(Object.values(EVENT_SCHEMAS), { description: 'One event; `type` selects the fields.' });
export type Event = Static<typeof Event>;
export type MessageEvent = Static<typeof Message>;
export type PlanChangedEvent = Static<typeof PlanChanged>;
/** A plan's terms: free quotas a month, prices in rupiah, rollover, time zone. */
export type PlanTerms = Required<Pick<PlanChangedEvent, 'mcc_free_monthly' | 'muv_free_monthly' | 'price_mcc_service' | 'price_mcc_initiated' | 'price_muv' | 'mcc_rollover' | 'timezone'>>;

export const IngestError = Type.Object({
  line: Type.Integer({ description: 'Line number from 1 (array: element position from 1)' }),
  id: Type.Union([Type.String(), Type.Null()]),
  field: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
});
export const IngestResult = Type.Object({
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Integer(),
  errors: Type.Array(IngestError, { description: 'At most 100; `rejected` counts all' }),
  errors_truncated: Type.Optional(Type.Integer({ description: 'Rejected lines not echoed in errors' })),
});
export type IngestResult = Static<typeof IngestResult>;

/** SPEC.md default plan, in force before an account's first plan.changed. */
export const DEFAULT_PLAN = {
  mcc_free_monthly: 0,
  muv_free_monthly: 0,
  price_mcc_service: 275,
  price_mcc_initiated: 460,
  price_muv: 600,
  mcc_rollover: true,
  timezone: 'Asia/Jakarta',
} as const;
