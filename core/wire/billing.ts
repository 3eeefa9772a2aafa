import { Type, type Static } from 'typebox';

/** OpenAPI / response schemas of the billing endpoints. Money is integer rupiah unless said. */


const Int = (description?: string) => Type.Integer(description ? { description } : {});
const Rp = (description: string) => Type.Integer({ description: `${description}, rupiah` });

export const MONTH = '^\\d{4}-(0[1-9]|1[0-2])$';
export const Month = (description: string) => Type.String({ pattern: MONTH, description, examples: ['2026-10'] });

export const UsageSchema = Type.Object({
  month: Type.String({ description: "'YYYY-MM' in the account's time zone" }),
  mcc: Type.Object(
    {
      service: Int('Service conversations opened in the month'),
      initiated: Int('Initiated conversations opened in the month'),
      total: Int(),
      free_quota: Int("The month's grant (plan in force at the month's start)"),
      carried_in: Int('Unused quota carried in from the month before (rollover)'),
      free_used: Int('Conversations that used the free quota, in time order'),
      billable_service: Int(),
      billable_initiated: Int(),
      remaining_quota: Int('free_quota + carried_in - free_used'),
    },
    { description: 'WhatsApp conversations (MCC)' },
  ),
  muv: Type.Object(
    {
      count: Int('Distinct (channel, contact) with an inbound message in the month'),
      free_quota: Int(),
      billable: Int(),
      remaining_quota: Int(),
    },
    { description: 'Monthly unique visitors' },
  ),
  charges: Type.Object({ mcc_service: Rp('Service conversations'), mcc_initiated: Rp('Initiated conversations'), muv: Rp('Visitors'), total: Rp('All') }),
});

export const BalanceSchema = Type.Object({
  balance: Rp('topups + adjustments - charges at or before as_of; may be negative'),
  currency: Type.Literal('IDR'),
  as_of: Type.String({ description: "RFC 3339 with the offset of the account's time zone" }),
  topups: Rp('Top-ups at or before as_of'),
  adjustments: Rp('Signed sum of adjustments at or before as_of'),
  charges: Rp('Charges at or before as_of (positive)'),
  projection: Type.Object({
    daily_spend: Type.Number({ description: 'Charges in the 7 x 24 h before as_of / 7: rupiah per day, a decimal number (not rounded)' }),
    zero_on: Type.Union([Type.String(), Type.Null()], {
      description: "Date (account time zone) the balance reaches zero at that pace; as_of's date when already <= 0; null when daily_spend is 0",
    }),
    charges_7d: Rp('Charges in the 7 x 24 h before as_of'),
  }),
});

export const PlanTermsSchema = Type.Object(
  {
    id: Type.Union([Type.String(), Type.Null()], { description: 'plan.changed id; null for the default plan' }),
    mcc_free_monthly: Int('Free WhatsApp conversations a month'),
    muv_free_monthly: Int('Free visitors a month'),
    price_mcc_service: Rp('Price of a charged service conversation'),
    price_mcc_initiated: Rp('Price of a charged initiated conversation'),
    price_muv: Rp('Price of a charged visitor'),
    mcc_rollover: Type.Boolean({ description: "Unused MCC quota carries into the next month" }),
  },
  { description: "The plan in force at the month's start (a plan changed within the month prices what follows the change: see each conversation's price)" },
);

export const StatementMonthSchema = Type.Object({
  ...UsageSchema.properties,
  plan_id: Type.Union([Type.String(), Type.Null()], { description: "plan.changed id in force at the month's start; null for the default plan" }),
  plan: PlanTermsSchema,
  topups: Rp('Top-ups in the month'),
  adjustments: Rp('Signed adjustments in the month'),
  opening_balance: Rp("Balance just before the month's start"),
  closing_balance: Rp("Balance at the month's end"),
});

export const StatementSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  currency: Type.Literal('IDR'),
  first_month: Type.String({ description: "Month of the account's first event: quota accounting starts there" }),
  months: Type.Array(StatementMonthSchema),
});

const Charges = Type.Object({ mcc_service: Rp('Service conversations'), mcc_initiated: Rp('Initiated conversations'), muv: Rp('Visitors'), total: Rp('All') });

export const LedgerSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  interval: Type.Union([Type.Literal('day'), Type.Literal('month')]),
  currency: Type.Literal('IDR'),
  opening_balance: Rp('Balance just before from'),
  closing_balance: Rp('Balance just before to'),
  rows: Type.Array(
    Type.Object({
      bucket: Type.String({ description: "'YYYY-MM-DD' or 'YYYY-MM', account time zone" }),
      start: Type.String(),
      end: Type.String(),
      topups: Rp('Top-ups'),
      adjustments: Rp('Signed adjustments'),
      charges: Charges,
      net: Rp('topups + adjustments - charges.total'),
      opening_balance: Rp('Running balance at the start'),
      closing_balance: Rp('Running balance at the end'),
    }),
  ),
});

const Page = {
  total: Int('Items in the month'),
  offset: Int(),
  next_offset: Type.Union([Type.Integer(), Type.Null()], { description: 'offset of the next page; null on the last' }),
};

export const ConversationsSchema = Type.Object({
  month: Type.String(),
  quota: Type.Object({ free_quota: Int(), carried_in: Int(), free_used: Int() }),
  ...Page,
  conversations: Type.Array(
    Type.Object({
      seq: Int('Rank in the month, time order (ties: message id): the first free_used are free'),
      message_id: Type.String({ description: 'The outbound message that opened it' }),
      opened_at: Type.String(),
      open_until: Type.String({ description: 'opened_at + 24 h' }),
      contact_id: Type.String(),
      room_id: Type.String(),
      category: Type.Union([Type.Literal('service'), Type.Literal('initiated')]),
      reason: Type.String({ description: 'Why, in English words with the times in the account zone (reason_code says it for a program)' }),
      reason_code: Type.Union([Type.Literal('template'), Type.Literal('no_recent_message'), Type.Literal('contact_wrote')], {
        description: 'template: opened by a template or broadcast (initiated); no_recent_message: the contact had not written in the 24 h before (initiated); contact_wrote: the contact wrote within the 24 h before, at last_inbound_at (service)',
      }),
      last_inbound_at: Type.Union([Type.String(), Type.Null()], { description: "The contact's latest message at or before opened_at" }),
      free: Type.Boolean(),
      price: Rp('List price of the category under the plan in force at opened_at'),
      charge: Rp('Charged: 0 when free'),
      plan_id: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const VisitorsSchema = Type.Object({
  month: Type.String(),
  quota: Type.Object({ free_quota: Int(), free_used: Int() }),
  ...Page,
  visitors: Type.Array(
    Type.Object({
      seq: Int('n-th visitor first seen in the month: free while n <= free_quota'),
      channel: Type.String(),
      contact_id: Type.String(),
      message_id: Type.String({ description: 'Its first inbound message of the month' }),
      first_seen_at: Type.String(),
      room_id: Type.String(),
      free: Type.Boolean(),
      price: Rp('price_muv of the plan in force at first_seen_at'),
      charge: Rp('Charged: 0 when free'),
      plan_id: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const TransactionsSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  currency: Type.Literal('IDR'),
  ...Page,
  transactions: Type.Array(
    Type.Object({
      id: Type.String({ description: 'The event id' }),
      type: Type.Union([Type.Literal('topup'), Type.Literal('adjustment')]),
      occurred_at: Type.String(),
      amount: Rp('Top-ups are > 0; adjustments are signed'),
      reference: Type.Union([Type.String(), Type.Null()], { description: "A top-up's reference (null when it has none, and for adjustments)" }),
      reason: Type.Union([Type.String(), Type.Null()], { description: "An adjustment's reason (null for top-ups)" }),
    }),
  ),
});

export const ExpiredReachSchema = Type.Object({
  month: Type.String(),
  initiated: Int('Initiated conversations of the month'),
  conversations: Int("Those whose contact's previous window (after its latest inbound message before the opening) had expired unanswered: reaching it again took a template"),
  charges: Rp('Their charges'),
  message_ids: Type.Array(Type.String(), { description: 'Their opening messages, oldest first' }),
});

export const AlertSchema = Type.Object({
  id: Type.String(),
  created_at: Type.String({ description: 'When the crossing was detected' }),
  balance: Rp('Balance then'),
  threshold: Rp('low_balance_threshold then'),
  webhook_url: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('no_webhook')]),
  attempts: Int('Delivery attempts so far'),
  last_status: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of the last attempt; null when it got none' }),
  last_error: Type.Union([Type.String(), Type.Null()]),
  delivered_at: Type.Union([Type.String(), Type.Null()]),
});

export const AlertsSchema = Type.Object({
  state: Type.Object({
    below: Type.Boolean({ description: 'The balance was below the threshold at the last check (no new alert until it has been back at or above)' }),
    balance: Type.Union([Type.Integer(), Type.Null()]),
    threshold: Type.Union([Type.Integer(), Type.Null()]),
    checked_at: Type.Union([Type.String(), Type.Null()]),
  }),
  alerts: Type.Array(AlertSchema),
});

// The billing query functions' result types (sql/billing), as the API returns them.
export type Usage = Static<typeof UsageSchema>;
export type Balance = Static<typeof BalanceSchema>;
export type StatementMonth = Static<typeof StatementMonthSchema>;
export type Statement = Static<typeof StatementSchema>;
export type Ledger = Static<typeof LedgerSchema>;
export type LedgerRow = Ledger['rows'][number];
export type ConversationPage = Static<typeof ConversationsSchema>;
export type Conversation = ConversationPage['conversations'][number];
export type VisitorPage = Static<typeof VisitorsSchema>;
export type Transactions = Static<typeof TransactionsSchema>;
export type ExpiredReachDoc = Static<typeof ExpiredReachSchema>;
export type Visitor = VisitorPage['visitors'][number];
