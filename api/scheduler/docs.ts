import type { RunDoc, ScheduleDoc } from '../../core/wire/exports.ts';
import type { RunRow } from '../../sql/scheduler/runs.ts';
import type { ScheduleRow } from '../../sql/scheduler/schedules.ts';

/** Schedules and runs as the API shows them (their shapes: core/wire/exports.ts). */

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function scheduleDoc(s: ScheduleRow, nextRunAt: number | null): ScheduleDoc {
  const f = JSON.parse(s.filters || '{}') as { channel?: string[]; agent?: string[]; business_hours?: boolean; lang?: 'en' | 'id' };
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
    lang: f.lang ?? 'en',
    webhook_url: s.webhook_url || null,
    webhook_secret: s.webhook_secret || null,
    enabled: s.enabled,
    created_at: iso(s.created_at)!,
    updated_at: iso(s.updated_at)!,
    next_run_at: s.enabled ? iso(nextRunAt) : null,
  };
}

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
