import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { accountTimezone } from '../../sql/account.ts';
import { audit } from '../../sql/audit.ts';
import { ApiError, badRequest } from '../errors.ts';
import { offersFormat } from '../export/index.ts';
import { PERIODS } from '../export/period.ts';
import { REPORTS } from '../export/report.ts';
import { parseAllow, webhookUrlError } from '../../core/webhook-guard.ts';
import { cronError, cronTooFrequent, timeZoneError } from '../scheduler/cron.ts';
import { runDoc, scheduleDoc } from '../scheduler/docs.ts';
import type { ScheduleDoc } from '../../core/wire/exports.ts';
import type { RunRow } from '../../sql/scheduler/runs.ts';
import { getSchedule, listSchedules, newScheduleId, saveSchedule, type ScheduleRow } from '../../sql/scheduler/schedules.ts';
import { ACCOUNT, ACCOUNT_BODY, errors, ref } from './openapi-schemas.ts';
import { AccountIdParams, AccountParams } from './params.ts';
import { parseAgents, parseChannels, type ScheduleFilters } from '../filters.ts';

const NOT_FOUND = { 404: 'No such schedule in this account' };

const Names = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 100 });
const fields = {
  report: Type.Enum(REPORTS),
  cron: Type.String({ maxLength: 200, description: 'node-cron expression, 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; e.g. "0 7 * * *" every day at 07:00' }),
  tz: Type.String({ maxLength: 64, description: "IANA zone of the cron, the period and the dates; default the account's" }),
  period: Type.Enum(PERIODS, { description: 'the window each run exports, relative to the time it runs for' }),
  format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')], { description: 'csv for rooms and csat only; default xlsx' }),
  channel: Names,
  agent: Names,
  business_hours: Type.Boolean({ description: "response times in office time, as the metrics' business_hours; rooms, csat and overview only; default false" }),
  lang: Type.Union([Type.Literal('en'), Type.Literal('id')], { description: "the files' language (sheet names, headers, words, definitions); default en" }),
  webhook_url: Type.Union([Type.String({ pattern: '^https?://', maxLength: 2000 }), Type.Null()]),
  enabled: Type.Boolean(),
};
const CreateBody = Type.Object(
  {
    report: fields.report,
    cron: fields.cron,
    period: fields.period,
    tz: Type.Optional(fields.tz),
    format: Type.Optional(fields.format),
    channel: Type.Optional(fields.channel),
    agent: Type.Optional(fields.agent),
    business_hours: Type.Optional(fields.business_hours),
    lang: Type.Optional(fields.lang),
    webhook_url: Type.Optional(fields.webhook_url),
    enabled: Type.Optional(fields.enabled),
  },
  { additionalProperties: false },
);
type CreateBody = Static<typeof CreateBody>;
// PATCH takes any subset of the create fields, and nothing else.
const PatchBody = Type.Partial(CreateBody, { additionalProperties: false });
type PatchBody = Static<typeof PatchBody>;

/** The checks a schema cannot make: filters, cron, zone, format of the report, webhook URL. */
/** A cron that fires more often than SCHEDULE_MIN_INTERVAL_S allows: 400 naming cron. */
function checkFrequency(s: Pick<ScheduleRow, 'cron' | 'tz'>, minS: number, now: number): void {
  const why = cronTooFrequent(s.cron, s.tz, minS, new Date(now));
  if (why) throw badRequest('cron', why);
}

function check(s: Pick<ScheduleRow, 'cron' | 'tz' | 'report' | 'format' | 'webhook_url' | 'filters'>): void {
  // The metrics' own checks of the filters, so a run never fails on one saved here.
  const f = JSON.parse(s.filters) as ScheduleFilters;
  parseChannels(f.channel);
  parseAgents(f.agent);
  const c = cronError(s.cron);
  if (c) throw badRequest('cron', c);
  const z = timeZoneError(s.tz);
  if (z) throw badRequest('tz', z);
  if (!offersFormat(s.report, s.format)) throw badRequest('format', `${s.report} is exported as xlsx only; csv is offered for rooms and csat`);
  if (s.webhook_url) {
    let u: URL;
    try {
      u = new URL(s.webhook_url);
    } catch {
      throw badRequest('webhook_url', 'is not a valid URL');
    }
    if (u.username || u.password) throw badRequest('webhook_url', 'must not carry credentials; the body is signed instead (Webhook-Signature)');
  }
}

const newSecret = () => crypto.randomBytes(24).toString('base64url');

/** A new webhook URL must reach a public address (core/webhook-guard.ts) unless WEBHOOK_ALLOW names it. */
async function checkWebhook(url: string | null | undefined, allow: string[]): Promise<void> {
  const why = url ? await webhookUrlError(url, parseAllow(allow)) : null;
  if (why) throw badRequest('webhook_url', why);
}

/** The schedule document without its secret, for the audit log. */
const auditDetail = (d: ScheduleDoc) => ({ ...d, webhook_secret: undefined });

/** Routes under /api/v1/accounts/:account/: export schedules. */
export async function schedulesRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.ctx;
  const scheduler = () => app.ctx.scheduler;
  app.addHook('onClose', async () => scheduler().stop());
  // Every instance (SCHEDULER=0 ones too: they run schedules now) takes over what its dead predecessor left.
  app.addHook('onReady', async () => {
    await scheduler()
      .recover()
      .catch((err) => app.log.error({ err }, 'taking over the export runs of a stopped server failed'));
  });

  const doc = (s: ScheduleRow) => scheduleDoc(s, scheduler().nextRunAt(s));
  const account = (req: FastifyRequest) => (req.params as { account: string }).account;
  const tags = ['exports'];

  app.post(
    '/schedules',
    {
      schema: {
        summary: 'Create an export schedule: a report, a cron, a period, optionally a webhook',
        tags,
        params: AccountParams,
        body: CreateBody,
        response: { 201: ref('Schedule') },
        errorResponses: errors([...ACCOUNT_BODY, 409], { 409: 'The account already has SCHEDULES_PER_ACCOUNT schedules' }),
      },
    },
    async (req, reply) => {
      const b = req.body as CreateBody;
      const acct = account(req);
      const now = app.ctx.clock();
      const row: Omit<ScheduleRow, 'version'> = {
        account_id: acct,
        id: newScheduleId(),
        report: b.report,
        format: b.format ?? 'xlsx',
        cron: b.cron.trim(),
        tz: b.tz ?? (await accountTimezone(db, acct)),
        period: b.period,
        filters: JSON.stringify({ channel: b.channel ?? [], agent: b.agent ?? [], business_hours: b.business_hours ?? false, lang: b.lang ?? 'en' } satisfies ScheduleFilters),
        webhook_url: b.webhook_url ?? '',
        webhook_secret: b.webhook_url ? newSecret() : '',
        enabled: b.enabled ?? true,
        deleted: false,
        created_at: now,
        armed_at: now,
        updated_at: now,
      };
      check(row);
      const limit = app.ctx.config.schedulesPerAccount;
      if (limit > 0 && (await listSchedules(db, acct)).length >= limit) {
        throw new ApiError(409, 'too_many_schedules', `the account has ${limit} schedules, the most it may have (SCHEDULES_PER_ACCOUNT); delete one first`);
      }
      checkFrequency(row, app.ctx.config.scheduleMinIntervalS, now);
      await checkWebhook(row.webhook_url, app.ctx.config.webhookAllow);
      const saved = await saveSchedule(db, row);
      const d = doc(saved);
      await audit(db, { actor_key_id: req.auth.key_id, account_id: acct, action: 'schedule.create', target: saved.id, detail: auditDetail(d) });
      await scheduler().changed(saved);
      return reply.status(201).send(d);
    },
  );

  app.get(
    '/schedules',
    { schema: { summary: "The account's export schedules", tags, params: AccountParams, response: { 200: ref('ScheduleList') }, errorResponses: errors(ACCOUNT) } },
    async (req) => ({ schedules: (await listSchedules(db, account(req))).map(doc) }),
  );

  const load = async (req: FastifyRequest): Promise<ScheduleRow> => {
    const { account: acct, id } = req.params as { account: string; id: string };
    const s = await getSchedule(db, acct, id);
    if (!s) throw new ApiError(404, 'not_found', `no schedule ${id} in account ${acct}`);
    return s;
  };

  app.get(
    '/schedules/:id',
    { schema: { summary: 'One export schedule', tags, params: AccountIdParams, response: { 200: ref('Schedule') }, errorResponses: errors([...ACCOUNT, 404], NOT_FOUND) } },
    async (req) => doc(await load(req)),
  );

  app.patch(
    '/schedules/:id',
    {
      schema: {
        summary: 'Change an export schedule (fields left out stay; webhook_url null removes the webhook)',
        tags,
        params: AccountIdParams,
        body: PatchBody,
        response: { 200: ref('Schedule') },
        errorResponses: errors([...ACCOUNT_BODY, 404], NOT_FOUND),
      },
    },
    async (req) => {
      const cur = await load(req);
      const b = req.body as PatchBody;
      const f = JSON.parse(cur.filters || '{}') as ScheduleFilters;
      const now = app.ctx.clock();
      const next: Omit<ScheduleRow, 'version'> = {
        ...cur,
        report: b.report ?? cur.report,
        format: b.format ?? (b.report && !offersFormat(b.report, cur.format) ? 'xlsx' : cur.format),
        cron: b.cron?.trim() ?? cur.cron,
        tz: b.tz ?? cur.tz,
        period: b.period ?? cur.period,
        filters: JSON.stringify({
          channel: b.channel ?? f.channel ?? [],
          agent: b.agent ?? f.agent ?? [],
          business_hours: b.business_hours ?? f.business_hours ?? false,
          lang: b.lang ?? f.lang ?? 'en',
        } satisfies ScheduleFilters),
        webhook_url: b.webhook_url === undefined ? cur.webhook_url : (b.webhook_url ?? ''),
        enabled: b.enabled ?? cur.enabled,
        updated_at: now,
      };
      next.webhook_secret = next.webhook_url ? cur.webhook_secret || newSecret() : '';
      // Fires before a change of when it runs are not "missed" by the new timing.
      if (next.cron !== cur.cron || next.tz !== cur.tz || (next.enabled && !cur.enabled)) next.armed_at = now;
      check(next);
      // Only a change of timing is held to the interval: a schedule saved before the limit can still be paused or renamed.
      if (next.cron !== cur.cron || next.tz !== cur.tz) checkFrequency(next, app.ctx.config.scheduleMinIntervalS, now);
      // only a URL this request sets: a schedule saved before the guard can still be changed (delivery checks it anyway)
      if (b.webhook_url) await checkWebhook(b.webhook_url, app.ctx.config.webhookAllow);
      const saved = await saveSchedule(db, next);
      const d = doc(saved);
      await audit(db, { actor_key_id: req.auth.key_id, account_id: cur.account_id, action: 'schedule.update', target: cur.id, detail: auditDetail(d) });
      await scheduler().changed(saved);
      return d;
    },
  );

  app.delete(
    '/schedules/:id',
    {
      schema: {
        summary: 'Delete an export schedule (its runs and files stay until retention removes them)',
        tags,
        params: AccountIdParams,
        response: { 204: Type.Null({ description: 'Deleted' }) },
        errorResponses: errors([...ACCOUNT, 404], NOT_FOUND),
      },
    },
    async (req, reply) => {
      const cur = await load(req);
      const saved = await saveSchedule(db, { ...cur, deleted: true, enabled: false, updated_at: app.ctx.clock() });
      await audit(db, { actor_key_id: req.auth.key_id, account_id: cur.account_id, action: 'schedule.delete', target: cur.id });
      await scheduler().changed(saved);
      return reply.status(204).send();
    },
  );

  app.post(
    '/schedules/:id/run',
    {
      schema: {
        summary: 'Run a schedule now; answers when the run has started (follow it in GET .../exports)',
        tags,
        params: AccountIdParams,
        response: { 202: ref('Run', 'The run has started') },
        errorResponses: errors([...ACCOUNT, 404, 409], { ...NOT_FOUND, 409: 'A run of this schedule is still going' }),
      },
    },
    async (req, reply) => {
      const cur = await load(req);
      let started: (r: RunRow) => void = () => undefined;
      const onStart = new Promise<RunRow>((r) => (started = r));
      const done = scheduler().trigger(cur, 'manual', null, started);
      void done.catch((err) => req.log.error({ err, schedule: cur.id }, 'manual export run failed'));
      const first = await Promise.race([onStart, done]);
      if (!first) throw new ApiError(409, 'conflict', `a run of schedule ${cur.id} is still going`);
      return reply.status(202).send(runDoc(first));
    },
  );
}
