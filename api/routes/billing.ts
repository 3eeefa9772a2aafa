import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { badRequest } from '../errors.ts';
import { parseInstant, parseTimestamp } from '../filters.ts';
import { accountTimezone } from '../../sql/account.ts';
import { balance, conversations, ledger, statement, transactions, usage, visitors } from '../../sql/billing/index.ts';
import { ledgerBuckets, MAX_LEDGER_BUCKETS, type Interval } from '../../sql/billing/ledger.ts';
import { expiredReach } from '../../sql/billing/expired-reach.ts';
import { monthDiff } from '../../core/time.ts';
import {
  AlertsSchema,
  BalanceSchema,
  ConversationsSchema,
  LedgerSchema,
  Month,
  StatementSchema,
  TransactionsSchema,
  ExpiredReachSchema,
  UsageSchema,
  VisitorsSchema,
} from '../../core/wire/billing.ts';
import { ACCOUNT, errors, ref } from './openapi-schemas.ts';
import { AccountParams } from './params.ts';

/**
 * "This month" when a request names none, as a cache key: the 15-minute slot of `now`.
 * Every zone's offset is a whole number of quarter hours, so the month of `now` in the
 * account's zone is the same throughout a slot, whatever the zone.
 */
const thisMonth = (now: number) => `now:${Math.floor(now / 900_000)}`;

/** Longest statement, months. */
const MAX_STATEMENT_MONTHS = 120;
const Instant = (description: string) =>
  Type.String({ maxLength: 40, description, examples: ['2026-10-20T12:00:00+07:00'] });
const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000, description: 'Items per page' }),
  offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0, description: 'Items to skip' }),
};

const schema = (summary: string, description: string, querystring: object, response: object) => ({
  summary,
  description,
  tags: ['billing'],
  params: AccountParams,
  querystring: Type.Object(querystring as never),
  response: { 200: ref(response as TSchema) },
  errorResponses: errors(ACCOUNT),
});

/**
 * Routes under /api/v1/accounts/:account/ (auth is checked by the parent plugin):
 * billing usage, balance, statement, ledger, the conversations and visitors behind the
 * charges, and low-balance alerts. The numbers come from sql/billing (README "Billing").
 */
export async function billingRoutes(app: FastifyInstance): Promise<void> {
  const db = app.ctx.db;
  const account = (req: { params: unknown }) => (req.params as { account: string }).account;
  const cached = <T>(acct: string, key: unknown[], fn: () => Promise<T>) => app.ctx.reads.get(acct, JSON.stringify(key), fn);

  const alerter = app.ctx.alerter;

  app.get(
    '/billing/usage',
    {
      schema: schema(
        'MCC and MUV usage and charges of one month',
        "SPEC.md \"Billing\": WhatsApp conversations (service / initiated), the free quota with rollover, visitors, and what was charged, for one calendar month in the account's time zone.",
        { month: Type.Optional(Month("'YYYY-MM'; default: this month in the account's time zone")) },
        UsageSchema,
      ),
    },
    async (req) => {
      const month = (req.query as { month?: string }).month;
      const now = app.ctx.clock();
      return cached(account(req), ['usage', month ?? thisMonth(now)], () => usage(db, account(req), month, now));
    },
  );

  app.get(
    '/billing/balance',
    {
      schema: schema(
        'Balance at a time, with the projection',
        'Top-ups and adjustments at or before `at` minus the charges at or before it (a charge happens when its conversation opens or its visitor is first seen); may be negative. The projection spends at the pace of the 7 x 24 h before `at`.',
        { at: Type.Optional(Instant('RFC 3339 timestamp with Z or an offset; default: now')) },
        BalanceSchema,
      ),
    },
    async (req) => {
      const at = (req.query as { at?: string }).at;
      // "Now" moves on by itself: only a balance at a given instant is kept.
      if (at === undefined) return balance(db, account(req), app.ctx.clock());
      const ms = parseTimestamp('at', at);
      return cached(account(req), ['balance', ms], () => balance(db, account(req), ms));
    },
  );

  app.get(
    '/billing/statement',
    {
      schema: schema(
        'A row per month: usage, charges, money in, opening and closing balance',
        `Months from \`from\` to \`to\`, both included, in the account's time zone (at most ${MAX_STATEMENT_MONTHS}).`,
        { from: Month('First month, YYYY-MM'), to: Month('Last month, YYYY-MM (included)') },
        StatementSchema,
      ),
    },
    async (req) => {
      const q = req.query as { from: string; to: string };
      if (q.from > q.to) throw badRequest('from', 'must not be after to');
      if (monthDiff(q.from, q.to) >= MAX_STATEMENT_MONTHS) throw badRequest('to', `at most ${MAX_STATEMENT_MONTHS} months from from`);
      return cached(account(req), ['statement', q.from, q.to], () => statement(db, account(req), q.from, q.to));
    },
  );

  app.get(
    '/billing/ledger',
    {
      schema: schema(
        'Money in and charges per day or month, with the running balance',
        `[from, to): dates (YYYY-MM-DD, 00:00 in the account's time zone) or RFC 3339 timestamps. Every bucket is listed, empty ones too (at most ${MAX_LEDGER_BUCKETS}).`,
        {
          from: Instant('Start (included): YYYY-MM-DD or RFC 3339'),
          to: Instant('End (excluded): YYYY-MM-DD or RFC 3339'),
          interval: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('month')], { default: 'day' })),
        },
        LedgerSchema,
      ),
    },
    async (req) => {
      const q = req.query as { from: string; to: string; interval?: Interval };
      const interval = q.interval ?? 'day';
      const acct = account(req);
      const tz = await accountTimezone(db, acct);
      const from = parseInstant('from', q.from, tz);
      const to = parseInstant('to', q.to, tz);
      if (from >= to) throw badRequest('from', 'must be before to');
      try {
        ledgerBuckets(from, to, interval, tz);
      } catch {
        throw badRequest('to', `more than ${MAX_LEDGER_BUCKETS} ${interval} buckets; shorten the range or use interval=month`);
      }
      return cached(acct, ['ledger', from, to, interval], () => ledger(db, acct, from, to, interval));
    },
  );

  app.get(
    '/billing/conversations',
    {
      schema: schema(
        "A month's WhatsApp conversations and what each cost",
        'Every conversation opened in the month, in quota order (the first free_used are free), with its opening message, category and why, and its price.',
        { month: Type.Optional(Month("'YYYY-MM'; default: this month")), ...Paging },
        ConversationsSchema,
      ),
    },
    async (req) => {
      const q = req.query as { month?: string; limit: number; offset: number };
      const now = app.ctx.clock();
      return cached(account(req), ['conversations', q.month ?? thisMonth(now), q.limit, q.offset], () => conversations(db, account(req), q.month, { limit: q.limit, offset: q.offset }, now));
    },
  );

  app.get(
    '/billing/visitors',
    {
      schema: schema(
        "A month's unique visitors and what each cost",
        'Every (channel, contact) with an inbound message in the month, in the order first seen (the first free_quota are free), with that first message and its price.',
        { month: Type.Optional(Month("'YYYY-MM'; default: this month")), ...Paging },
        VisitorsSchema,
      ),
    },
    async (req) => {
      const q = req.query as { month?: string; limit: number; offset: number };
      const now = app.ctx.clock();
      return cached(account(req), ['visitors', q.month ?? thisMonth(now), q.limit, q.offset], () => visitors(db, account(req), q.month, { limit: q.limit, offset: q.offset }, now));
    },
  );

  app.get(
    '/billing/transactions',
    {
      schema: schema(
        'Each top-up and adjustment, with its reference or reason',
        "[from, to): dates (YYYY-MM-DD, 00:00 in the account's time zone) or RFC 3339 timestamps; oldest first. The money in behind the ledger's and the statement's sums.",
        { from: Instant('Start (included): YYYY-MM-DD or RFC 3339'), to: Instant('End (excluded): YYYY-MM-DD or RFC 3339'), ...Paging },
        TransactionsSchema,
      ),
    },
    async (req) => {
      const q = req.query as { from: string; to: string; limit: number; offset: number };
      const acct = account(req);
      const tz = await accountTimezone(db, acct);
      const from = parseInstant('from', q.from, tz);
      const to = parseInstant('to', q.to, tz);
      if (from >= to) throw badRequest('from', 'must be before to');
      return cached(acct, ['transactions', from, to, q.limit, q.offset], () => transactions(db, acct, tz, from, to, { limit: q.limit, offset: q.offset }));
    },
  );

  app.get(
    '/billing/expired-reach',
    {
      schema: schema(
        'Initiated conversations that went to customers whose window had expired unanswered',
        "The month's initiated WhatsApp conversations whose contact wrote before, 24 h or more earlier, with no agent or bot reply within 24 h of that message (SPEC \"Expired windows\"): what unanswered customers cost to reach again. Free or charged as the conversations list says.",
        { month: Type.Optional(Month("'YYYY-MM'; default: this month")) },
        ExpiredReachSchema,
      ),
    },
    async (req) => {
      const month = (req.query as { month?: string }).month;
      const now = app.ctx.clock();
      return cached(account(req), ['expired-reach', month ?? thisMonth(now)], () => expiredReach(db, account(req), month, now));
    },
  );

  app.get(
    '/billing/alerts',
    {
      schema: schema(
        'Low-balance alerts, newest first',
        'An alert is recorded once each time the balance falls below settings.low_balance_threshold, and POSTed to settings.webhook_url signed with HMAC-SHA256 (headers Webhook-Id, Webhook-Timestamp, Webhook-Signature: sha256=hex of HMAC(webhook_secret, "<timestamp>.<body>")), the scheme of every webhook; 408, 429, 5xx and no answer are retried after 1 s, 10 s, 60 s and 5 min.',
        { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
        AlertsSchema,
      ),
    },
    async (req) => alerter.list(account(req), (req.query as { limit: number }).limit),
  );
}

