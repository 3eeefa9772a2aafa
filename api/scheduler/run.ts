import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Db } from '../../sql/db.ts';
import { buildReport, exportFileName } from '../export/index.ts';
import { periodWindow } from '../export/period.ts';
import { iso, monthIn } from '../../core/time.ts';
import { parseFilters, type ScheduleFilters } from '../filters.ts';
import { words } from '../export/words.ts';
import { deliver, type WebhookOptions } from './webhook.ts';
import { newRunId, saveRun, type RunRow, type RunTrigger } from '../../sql/scheduler/runs.ts';
import { getSchedule, type ScheduleRow } from '../../sql/scheduler/schedules.ts';
import { runDoc } from './docs.ts';
import { trimAccountFiles } from './retention.ts';
import { accountDir } from './paths.ts';

export interface RunDeps {
  db: Db;
  exportDir: string;
  /** Base of the download link sent to webhooks, e.g. https://reports.example.com */
  baseUrl: string;
  webhook: WebhookOptions;
  /** The app's clock: the run's times and its period. */
  clock: () => number;
  /** Bytes of files kept per account (EXPORT_BYTES_PER_ACCOUNT; 0 = no cap). */
  maxAccountBytes: number;
  /** Who runs it (api/scheduler/owner.ts), recorded on the run. */
  owner: string;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}


/**
 * One export run of a schedule: recorded as running, the workbook written to a
 * temporary file and renamed when whole, the run recorded as succeeded (rows, bytes,
 * file) or failed (error), then the webhook told. The report's period is taken at the
 * time the run is for (`scheduledFor`, else now), so a run caught up after a restart
 * exports the period it would have exported on time.
 */
export async function executeRun(
  deps: RunDeps,
  s: ScheduleRow,
  trigger: RunTrigger,
  scheduledFor: number | null,
  onStart?: (run: RunRow) => void,
): Promise<{ run: RunRow; webhook: Promise<RunRow> | null }> {
  const { db } = deps;
  const startedAt = deps.clock();
  const at = scheduledFor ?? startedAt;
  const win = periodWindow(s.period, s.tz, at);
  const stored = JSON.parse(s.filters || '{}') as ScheduleFilters;
  let run: RunRow = {
    account_id: s.account_id,
    id: newRunId(),
    schedule_id: s.id,
    report: s.report,
    format: s.format,
    trigger,
    status: 'running',
    scheduled_for: scheduledFor,
    period_from: win.from,
    period_to: win.to,
    tz: s.tz,
    started_at: startedAt,
    finished_at: null,
    rows: 0,
    bytes: 0,
    file: '',
    file_deleted_at: null,
    error: '',
    webhook_status: s.webhook_url ? 'pending' : 'none',
    webhook_attempts: 0,
    webhook_error: '',
    owner: deps.owner,
    version: 0,
  };
  run = await saveRun(db, run);
  onStart?.(run);

  const dir = accountDir(deps.exportDir, s.account_id);
  let part = '';
  let file = '';
  let out: fs.WriteStream | null = null;
  try {
    // The API's own filter parser, so a schedule means what the same query on GET .../exports would.
    const filters = await parseFilters(db, s.account_id, { from: iso(win.from), to: iso(win.to), tz: s.tz, channel: stored.channel, agent: stored.agent, business_hours: stored.business_hours }, startedAt);
    const input = {
      db,
      account: s.account_id,
      filters,
      month: s.report === 'billing' ? monthIn(s.tz, win.from) : undefined,
      generatedAt: startedAt,
      origin: words(stored.lang)('schedule {id} (cron "{cron}" in {tz}, period {period}), run {run}', { id: s.id, cron: s.cron, tz: s.tz, period: s.period, run: run.id }),
      lang: stored.lang ?? 'en',
    };
    file = `${run.id}-${exportFileName(s.report, s.format, input)}`;
    part = path.join(dir, `${file}.part`);
    fs.mkdirSync(dir, { recursive: true });
    out = fs.createWriteStream(part);
    const result = await buildReport(s.report, s.format, input, out);
    await finished(out);
    const bytes = fs.statSync(part).size;
    fs.renameSync(part, path.join(dir, file));
    run = await saveRun(db, { ...run, status: 'succeeded', finished_at: deps.clock(), rows: result.rows, bytes, file });
    deps.log.info({ run: run.id, schedule: s.id, rows: result.rows, bytes, ms: run.finished_at! - startedAt }, 'export run succeeded');
    const trimmed = await trimAccountFiles(db, deps.exportDir, s.account_id, deps.maxAccountBytes, deps.clock());
    if (trimmed) deps.log.info({ account: s.account_id, files: trimmed }, 'oldest export files deleted: past EXPORT_BYTES_PER_ACCOUNT');
  } catch (e) {
    out?.destroy();
    if (part) fs.rmSync(part, { force: true });
    const error = (e as Error).message || String(e);
    run = await saveRun(db, { ...run, status: 'failed', finished_at: deps.clock(), error });
    deps.log.error({ run: run.id, schedule: s.id, err: e }, 'export run failed');
  }

  // The webhook (with its retries, minutes at worst) goes on after the run: the next fire
  // of the schedule need not wait for a slow receiver.
  return { run, webhook: s.webhook_url ? notify(deps, s, run) : null };
}

/**
 * Sends the run's webhook and records the outcome: delivered, failed (refused or given up),
 * or still pending when a stop cut the retries (the next start resumes it).
 */
async function notify(deps: RunDeps, s: ScheduleRow, run: RunRow, fromAttempt = 1): Promise<RunRow> {
  const doc = runDoc(run, deps.baseUrl);
  const payload = { event: `export.${run.status}`, account: s.account_id, schedule_id: s.id, run: doc, download_url: doc.download_url };
  const d = await deliver(s.webhook_url, s.webhook_secret, payload, deps.webhook, fromAttempt);
  if (!d.delivered) deps.log.warn({ run: run.id, schedule: s.id, attempts: d.attempts, outcome: d.outcome, detail: d.detail, stopped: d.stopped }, 'export webhook not delivered');
  const status = d.delivered ? 'delivered' : d.stopped ? 'pending' : 'failed';
  return saveRun(deps.db, { ...run, webhook_status: status, webhook_attempts: d.attempts, webhook_error: d.delivered ? '' : d.outcome, owner: deps.owner });
}

/** Goes on with a webhook a dead process left due (claimed by this one: `run.owner` is ours). */
export async function resumeWebhook(deps: RunDeps, run: RunRow): Promise<RunRow> {
  const s = await getSchedule(deps.db, run.account_id, run.schedule_id);
  // the schedule was deleted, or its webhook removed, since: nobody to tell
  if (!s?.webhook_url) return saveRun(deps.db, { ...run, webhook_status: 'failed', webhook_error: 'failed', owner: deps.owner });
  deps.log.info({ run: run.id, schedule: s.id, attempts: run.webhook_attempts }, 'resuming an export webhook a stopped server left due');
  return notify(deps, s, run, run.webhook_attempts + 1);
}
