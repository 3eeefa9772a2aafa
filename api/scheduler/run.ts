import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Db } from '../../sql/db.ts';
import { buildReport, exportFileName } from '../export/index.ts';
import { monthOf, periodWindow } from '../export/period.ts';
import { deliver, type WebhookOptions } from './webhook.ts';
import { newRunId, saveRun, type RunRow, type RunTrigger, type ScheduleRow } from './store.ts';
import { runDoc } from './docs.ts';

export interface RunDeps {
  db: Db;
  exportDir: string;
  /** Base of the download link sent to webhooks, e.g. https://reports.example.com */
  baseUrl: string;
  webhook: WebhookOptions;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

/** Where a run's file lives, relative to EXPORT_DIR: one folder per account. */
export const runFilePath = (exportDir: string, run: Pick<RunRow, 'account_id' | 'file'>) => path.join(exportDir, run.account_id, run.file);

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
  const startedAt = Date.now();
  const at = scheduledFor ?? startedAt;
  const win = periodWindow(s.period, s.tz, at);
  const filters = JSON.parse(s.filters || '{}') as { channel?: string[]; agent?: string[] };
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
    version: 0,
  };
  run = await saveRun(db, run);
  onStart?.(run);

  const input = {
    db,
    account: s.account_id,
    filters: { account: s.account_id, from: win.from, to: win.to, tz: s.tz, channels: filters.channel ?? [], agents: filters.agent ?? [] },
    month: s.report === 'billing' ? monthOf(s.tz, win.from) : undefined,
    generatedAt: startedAt,
    origin: `schedule ${s.id} (cron "${s.cron}" in ${s.tz}, period ${s.period}), run ${run.id}`,
  };
  const dir = path.join(deps.exportDir, s.account_id);
  const file = `${run.id}-${exportFileName(s.report, s.format, input)}`;
  const part = path.join(dir, `${file}.part`);
  let out: fs.WriteStream | null = null;
  try {
    fs.mkdirSync(dir, { recursive: true });
    out = fs.createWriteStream(part);
    const result = await buildReport(s.report, s.format, input, out);
    await finished(out);
    const bytes = fs.statSync(part).size;
    fs.renameSync(part, path.join(dir, file));
    run = await saveRun(db, { ...run, status: 'succeeded', finished_at: Date.now(), rows: result.rows, bytes, file });
    deps.log.info({ run: run.id, schedule: s.id, rows: result.rows, bytes, ms: run.finished_at! - startedAt }, 'export run succeeded');
  } catch (e) {
    out?.destroy();
    fs.rmSync(part, { force: true });
    const error = (e as Error).message || String(e);
    run = await saveRun(db, { ...run, status: 'failed', finished_at: Date.now(), error });
    deps.log.error({ run: run.id, schedule: s.id, err: e }, 'export run failed');
  }

  // The webhook (with its retries, minutes at worst) goes on after the run: the next fire
  // of the schedule need not wait for a slow receiver.
  return { run, webhook: s.webhook_url ? notify(deps, s, run) : null };
}

async function notify(deps: RunDeps, s: ScheduleRow, run: RunRow): Promise<RunRow> {
  const doc = runDoc(run, deps.baseUrl);
  const payload = { event: `export.${run.status}`, account: s.account_id, schedule_id: s.id, run: doc, download_url: doc.download_url };
  const d = await deliver(s.webhook_url, s.webhook_secret, payload, deps.webhook);
  if (!d.delivered) deps.log.warn({ run: run.id, schedule: s.id, attempts: d.attempts, error: d.error }, 'export webhook failed');
  return saveRun(deps.db, { ...run, webhook_status: d.delivered ? 'delivered' : 'failed', webhook_attempts: d.attempts, webhook_error: d.error });
}
