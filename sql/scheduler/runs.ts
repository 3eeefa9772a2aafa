import crypto from 'node:crypto';
import type { Db } from '../db.ts';
import { chText, chTextOrNull } from '../ch-time.ts';
import { loadSql } from '../load.ts';
import { nextVersion, num, numOrNull, SETTINGS, withColumns, type ExportFormat, type ExportReport } from './rows.ts';

/**
 * Export runs (table export_runs, sql/migrations/030_exports.sql): every change writes
 * the whole row again with a larger version; reads take the latest with FINAL.
 */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';
export type RunTrigger = 'cron' | 'catch_up' | 'manual';
export type WebhookStatus = 'none' | 'pending' | 'delivered' | 'failed';

export interface RunRow {
  account_id: string;
  id: string;
  schedule_id: string;
  report: ExportReport;
  format: ExportFormat;
  trigger: RunTrigger;
  status: RunStatus;
  /** unix ms, or null for a manual run */
  scheduled_for: number | null;
  period_from: number;
  period_to: number;
  tz: string;
  started_at: number;
  finished_at: number | null;
  rows: number;
  bytes: number;
  file: string;
  file_deleted_at: number | null;
  error: string;
  webhook_status: WebhookStatus;
  webhook_attempts: number;
  webhook_error: string;
  /**
   * The process working on the run or its webhook (api/scheduler/owner.ts), '' in rows of
   * before migration 031; a run whose owner is gone is taken over (api/scheduler/recover.ts).
   */
  owner?: string;
  version: number;
}

/** Run ids sort by start time (base-36 ms, fixed width) and are unguessable. */
export const newRunId = () => `run_${Date.now().toString(36).padStart(9, '0')}${crypto.randomBytes(6).toString('hex')}`;

const COLUMNS = loadSql(import.meta.url, 'run-columns.sql');
const read = (file: string) => withColumns(loadSql(import.meta.url, file), COLUMNS);
const SQL = {
  get: read('run-get.sql'),
  list: read('run-list.sql'),
  lastScheduled: loadSql(import.meta.url, 'run-last-scheduled.sql'),
  running: read('run-running.sql'),
  unfinished: read('run-unfinished.sql'),
  expired: read('run-expired.sql'),
  kept: read('run-kept.sql'),
};

type Times = 'scheduled_for' | 'period_from' | 'period_to' | 'started_at' | 'finished_at' | 'file_deleted_at';
type Raw = Omit<RunRow, Times> & Record<'scheduled_for_ms' | 'period_from_ms' | 'period_to_ms' | 'started_ms' | 'finished_ms' | 'file_deleted_ms', unknown>;

const fromRow = ({ scheduled_for_ms, period_from_ms, period_to_ms, started_ms, finished_ms, file_deleted_ms, ...r }: Raw): RunRow => ({
  ...r,
  scheduled_for: numOrNull(scheduled_for_ms),
  period_from: num(period_from_ms),
  period_to: num(period_to_ms),
  started_at: num(started_ms),
  finished_at: numOrNull(finished_ms),
  file_deleted_at: numOrNull(file_deleted_ms),
  rows: num(r.rows),
  bytes: num(r.bytes),
  webhook_attempts: num(r.webhook_attempts),
  owner: String(r.owner ?? ''),
  version: num(r.version),
});

export async function saveRun(db: Db, run: RunRow): Promise<RunRow> {
  const full = { ...run, owner: run.owner ?? '', version: nextVersion() };
  await db.reader().insert({
    table: 'export_runs',
    values: [
      {
        ...full,
        scheduled_for: chTextOrNull(full.scheduled_for),
        period_from: chText(full.period_from),
        period_to: chText(full.period_to),
        started_at: chText(full.started_at),
        finished_at: chTextOrNull(full.finished_at),
        file_deleted_at: chTextOrNull(full.file_deleted_at),
      },
    ],
    format: 'JSONEachRow',
  });
  return full;
}

export async function getRun(db: Db, account: string, id: string): Promise<RunRow | null> {
  const rows = await db.query<Raw>(SQL.get, { account, id }, SETTINGS);
  return rows.length ? fromRow(rows[0]) : null;
}

/** An account's runs, newest first; `before` is the id of the last run of the previous page. */
export async function listRuns(db: Db, account: string, opts: { scheduleId?: string; status?: string; limit: number; before?: string }): Promise<RunRow[]> {
  const rows = await db.query<Raw>(
    SQL.list,
    { account, schedule: opts.scheduleId ?? '', status: opts.status ?? '', before: opts.before ?? '', limit: opts.limit },
    SETTINGS,
  );
  return rows.map(fromRow);
}

/** Latest fire a schedule's runs were for (interrupted runs left out: they did not happen), unix ms or null. */
export async function lastScheduledFor(db: Db, account: string, scheduleId: string): Promise<number | null> {
  const rows = await db.query<{ t: number | null }>(SQL.lastScheduled, { account, id: scheduleId }, SETTINGS);
  return rows[0]?.t ?? null;
}

/** Runs still marked running, of one schedule or (no id) of every schedule. */
export async function runningRuns(db: Db, scheduleId?: string): Promise<RunRow[]> {
  const rows = await db.query<Raw>(SQL.running, { id: scheduleId ?? '' }, SETTINGS);
  return rows.map(fromRow);
}

/** Runs still running or with a webhook still due: what a dead process may have left. */
export async function unfinishedRuns(db: Db): Promise<RunRow[]> {
  const rows = await db.query<Raw>(SQL.unfinished, {}, SETTINGS);
  return rows.map(fromRow);
}

/** An account's runs whose file is still on disk, newest first. */
export async function keptRuns(db: Db, account: string): Promise<RunRow[]> {
  const rows = await db.query<Raw>(SQL.kept, { account }, SETTINGS);
  return rows.map(fromRow);
}

/** Runs whose file is older than `cutoff` (unix ms) and still on disk. */
export async function expiredRuns(db: Db, cutoff: number): Promise<RunRow[]> {
  const rows = await db.query<Raw>(SQL.expired, { cutoff: chText(cutoff) }, SETTINGS);
  return rows.map(fromRow);
}
