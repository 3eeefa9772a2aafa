import { Type, type Static } from 'typebox';
import { PERIODS } from '../export/period.ts';
import { REPORTS } from '../export/report.ts';
import type { RunRow } from '../../sql/scheduler/runs.ts';
import type { ScheduleRow } from '../../sql/scheduler/schedules.ts';

/** The JSON shapes of schedules and runs, as the API shows them (and documents them in /openapi.json). */

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ScheduleDoc = Type.Object({
  id: Type.String(),
  account: Type.String(),
  report: Type.Enum(REPORTS),
  format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')]),
  cron: Type.String({ description: 'node-cron expression: 5 fields, or 6 with seconds first' }),
  tz: Type.String({ description: 'IANA zone the cron fires in, and of the period and the dates' }),
  period: Type.Enum(PERIODS),
  channel: Type.Array(Type.String()),
  agent: Type.Array(Type.String()),
  business_hours: Type.Boolean(),
  webhook_url: Nullable(Type.String()),
  webhook_secret: Nullable(Type.String({ description: 'HMAC-SHA256 key of Webhook-Signature (README "Webhooks")' })),
  enabled: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
  next_run_at: Nullable(Type.String({ description: 'next fire of the cron (null when disabled)' })),
});
export type ScheduleDoc = Static<typeof ScheduleDoc>;

export function scheduleDoc(s: ScheduleRow, nextRunAt: number | null): ScheduleDoc {
  const f = JSON.parse(s.filters || '{}') as { channel?: string[]; agent?: string[]; business_hours?: boolean };
  return {
    id: s.id,
    account: s.account_id,
    report: s.report,
    format: s.format,
    cron: s.cron,
    tz: s.tz,
    period: s.period,
    channel: f.channel ?? [],
    agent: f.agent ?? [],
    business_hours: f.business_hours ?? false,
    webhook_url: s.webhook_url || null,
    webhook_secret: s.webhook_secret || null,
    enabled: s.enabled,
    created_at: iso(s.created_at)!,
    updated_at: iso(s.updated_at)!,
    next_run_at: s.enabled ? iso(nextRunAt) : null,
  };
}

export const RunDoc = Type.Object({
  id: Type.String(),
  account: Type.String(),
  schedule_id: Type.String(),
  report: Type.String(),
  format: Type.String(),
  trigger: Type.String({ description: 'cron | catch_up (missed while the server was down) | manual' }),
  status: Type.String({ description: 'running | succeeded | failed | interrupted (the server stopped during it)' }),
  scheduled_for: Nullable(Type.String()),
  period: Type.Object({ from: Type.String(), to: Type.String(), tz: Type.String() }),
  started_at: Type.String(),
  finished_at: Nullable(Type.String()),
  rows: Type.Integer(),
  bytes: Type.Integer(),
  error: Nullable(Type.String()),
  file_available: Type.Boolean(),
  download_url: Nullable(Type.String()),
  webhook: Type.Object({
    status: Type.String({ description: 'none (no webhook, or an interrupted run: nothing to tell) | pending | delivered | failed' }),
    attempts: Type.Integer(),
    error: Nullable(Type.String({ description: 'why it was not delivered: refused (an address webhooks may not reach) or failed; never the answer or error itself' })),
  }),
});
export type RunDoc = Static<typeof RunDoc>;

/** The fixed word of a webhook's failure; rows written before the guard kept the error text ("HTTP 418"), shown as "failed". */
const webhookOutcome = (e: string): string | null => (!e ? null : e === 'refused' ? 'refused' : 'failed');

/** `baseUrl` '' gives a path (the API's lists); the webhook gets an absolute link. */
export function runDoc(r: RunRow, baseUrl = ''): RunDoc {
  const available = r.status === 'succeeded' && r.file !== '';
  return {
    id: r.id,
    account: r.account_id,
    schedule_id: r.schedule_id,
    report: r.report,
    format: r.format,
    trigger: r.trigger,
    status: r.status,
    scheduled_for: iso(r.scheduled_for),
    period: { from: iso(r.period_from)!, to: iso(r.period_to)!, tz: r.tz },
    started_at: iso(r.started_at)!,
    finished_at: iso(r.finished_at),
    rows: Number(r.rows),
    bytes: Number(r.bytes),
    error: r.error || null,
    file_available: available,
    download_url: available ? `${baseUrl.replace(/\/$/, '')}/api/v1/accounts/${encodeURIComponent(r.account_id)}/exports/${r.id}/download` : null,
    webhook: { status: r.webhook_status, attempts: Number(r.webhook_attempts), error: webhookOutcome(r.webhook_error) },
  };
}
