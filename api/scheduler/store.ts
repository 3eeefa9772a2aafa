import crypto from 'node:crypto';
import type { Db } from '../../sql/db.ts';
import type { Format, Report } from '../export/report.ts';
import type { Period } from '../export/period.ts';

/**
 * Schedules and runs in ClickHouse (sql/migrations/030_exports.sql): every change writes
 * the whole row again with a larger version; reads take the latest with FINAL.
 */

export interface ScheduleRow {
  account_id: string;
  id: string;
  report: Report;
  format: Format;
  cron: string;
  tz: string;
  period: Period;
  /** JSON {"channel": string[], "agent": string[]} */
  filters: string;
  webhook_url: string;
  webhook_secret: string;
  enabled: boolean;
  deleted: boolean;
  /** unix ms */
  created_at: number;
  armed_at: number;
  updated_at: number;
  version: number;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';
export type RunTrigger = 'cron' | 'catch_up' | 'manual';
export type WebhookStatus = 'none' | 'pending' | 'delivered' | 'failed';

export interface RunRow {
  account_id: string;
  id: string;
  schedule_id: string;
  report: Report;
  format: Format;
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

let lastVersion = 0;
/** Strictly increasing in this process (µs of the clock), so two writes of a row in one ms still order. */
export function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

export const newScheduleId = () => `sch_${crypto.randomBytes(8).toString('hex')}`;
/** Run ids sort by start time (base-36 ms, fixed width) and are unguessable. */
export const newRunId = () => `run_${Date.now().toString(36).padStart(9, '0')}${crypto.randomBytes(6).toString('hex')}`;

/** DateTime64(3, 'UTC') as ClickHouse reads it in JSONEachRow. */
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const chTimeOrNull = (ms: number | null) => (ms === null ? null : chTime(ms));

// Times come back as ClickHouse text and are turned into unix ms here (fromSchedule /
// fromRun). No "toUnixTimestamp64Milli(x) AS x" in the SELECT: an alias named like its
// column replaces the column in WHERE, and a time filter would then compare numbers.
const SCHEDULE_COLUMNS = 'account_id, id, report, format, cron, tz, period, filters, webhook_url, webhook_secret, enabled, deleted, created_at, armed_at, updated_at, version';
const RUN_COLUMNS = `account_id, id, schedule_id, report, format, trigger, status, scheduled_for, period_from, period_to, tz, started_at, finished_at,
  rows, bytes, file, file_deleted_at, error, webhook_status, webhook_attempts, webhook_error, owner, version`;

/** "YYYY-MM-DD hh:mm:ss.mmm" (UTC) as unix ms. */
const ms = (v: unknown): number => Date.parse(String(v).replace(' ', 'T') + 'Z');
const msOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : ms(v));

type Raw<T> = { [K in keyof T]: unknown };

const fromSchedule = (r: Raw<ScheduleRow>): ScheduleRow => ({
  ...(r as ScheduleRow),
  enabled: Boolean(r.enabled),
  deleted: Boolean(r.deleted),
  created_at: ms(r.created_at),
  armed_at: ms(r.armed_at),
  updated_at: ms(r.updated_at),
  version: Number(r.version),
});

const fromRun = (r: Raw<RunRow>): RunRow => ({
  ...(r as RunRow),
  scheduled_for: msOrNull(r.scheduled_for),
  period_from: ms(r.period_from),
  period_to: ms(r.period_to),
  started_at: ms(r.started_at),
  finished_at: msOrNull(r.finished_at),
  file_deleted_at: msOrNull(r.file_deleted_at),
  rows: Number(r.rows),
  bytes: Number(r.bytes),
  webhook_attempts: Number(r.webhook_attempts),
  owner: String(r.owner ?? ''),
  version: Number(r.version),
});

/** 64-bit integers as JSON numbers: ms, versions (µs) and byte counts stay below 2^53. */
const SETTINGS = { output_format_json_quote_64bit_integers: 0 };

export async function saveSchedule(db: Db, row: Omit<ScheduleRow, 'version'>): Promise<ScheduleRow> {
  const full = { ...row, version: nextVersion() };
  await db.reader().insert({
    table: 'export_schedules',
    values: [{ ...full, created_at: chTime(full.created_at), armed_at: chTime(full.armed_at), updated_at: chTime(full.updated_at) }],
    format: 'JSONEachRow',
  });
  return full;
}

export async function getSchedule(db: Db, account: string, id: string): Promise<ScheduleRow | null> {
  const rows = await db.query<Raw<ScheduleRow>>(
    `SELECT ${SCHEDULE_COLUMNS} FROM export_schedules FINAL WHERE account_id = {account:String} AND id = {id:String} AND NOT deleted`,
    { account, id },
    SETTINGS,
  );
  return rows.length ? fromSchedule(rows[0]) : null;
}

export async function listSchedules(db: Db, account: string): Promise<ScheduleRow[]> {
  const rows = await db.query<Raw<ScheduleRow>>(
    `SELECT ${SCHEDULE_COLUMNS} FROM export_schedules FINAL WHERE account_id = {account:String} AND NOT deleted ORDER BY created_at, id`,
    { account },
    SETTINGS,
  );
  return rows.map(fromSchedule);
}

/** Every account's schedules, deleted ones included (the scheduler disarms those). */
export async function allSchedules(db: Db): Promise<ScheduleRow[]> {
  const rows = await db.query<Raw<ScheduleRow>>(`SELECT ${SCHEDULE_COLUMNS} FROM export_schedules FINAL`, {}, SETTINGS);
  return rows.map(fromSchedule);
}

export async function saveRun(db: Db, run: RunRow): Promise<RunRow> {
  const full = { ...run, owner: run.owner ?? '', version: nextVersion() };
  await db.reader().insert({
    table: 'export_runs',
    values: [
      {
        ...full,
        scheduled_for: chTimeOrNull(full.scheduled_for),
        period_from: chTime(full.period_from),
        period_to: chTime(full.period_to),
        started_at: chTime(full.started_at),
        finished_at: chTimeOrNull(full.finished_at),
        file_deleted_at: chTimeOrNull(full.file_deleted_at),
      },
    ],
    format: 'JSONEachRow',
  });
  return full;
}

export async function getRun(db: Db, account: string, id: string): Promise<RunRow | null> {
  const rows = await db.query<Raw<RunRow>>(`SELECT ${RUN_COLUMNS} FROM export_runs FINAL WHERE account_id = {account:String} AND id = {id:String}`, { account, id }, SETTINGS);
  return rows.length ? fromRun(rows[0]) : null;
}

/** An account's runs, newest first; `before` is the id of the last run of the previous page. */
export async function listRuns(db: Db, account: string, opts: { scheduleId?: string; status?: string; limit: number; before?: string }): Promise<RunRow[]> {
  const rows = await db.query<Raw<RunRow>>(
    `SELECT ${RUN_COLUMNS} FROM export_runs FINAL
     WHERE account_id = {account:String}
       AND ({schedule:String} = '' OR schedule_id = {schedule:String})
       AND ({status:String} = '' OR status = {status:String})
       AND ({before:String} = '' OR id < {before:String})
     ORDER BY id DESC LIMIT {limit:UInt32}`,
    { account, schedule: opts.scheduleId ?? '', status: opts.status ?? '', before: opts.before ?? '', limit: opts.limit },
    SETTINGS,
  );
  return rows.map(fromRun);
}

/** Latest fire a schedule's runs were for (interrupted runs left out: they did not happen), unix ms or null. */
export async function lastScheduledFor(db: Db, account: string, scheduleId: string): Promise<number | null> {
  const rows = await db.query<{ t: number | null }>(
    `SELECT toUnixTimestamp64Milli(max(scheduled_for)) AS t FROM export_runs FINAL
     WHERE account_id = {account:String} AND schedule_id = {id:String} AND status != 'interrupted'`,
    { account, id: scheduleId },
    SETTINGS,
  );
  return rows[0]?.t ?? null;
}

/** Runs still marked running, of one schedule or (no id) of every schedule. */
export async function runningRuns(db: Db, scheduleId?: string): Promise<RunRow[]> {
  const rows = await db.query<Raw<RunRow>>(
    `SELECT ${RUN_COLUMNS} FROM export_runs FINAL WHERE status = 'running' AND ({id:String} = '' OR schedule_id = {id:String})`,
    { id: scheduleId ?? '' },
    SETTINGS,
  );
  return rows.map(fromRun);
}

/** Runs still running or with a webhook still due: what a dead process may have left. */
export async function unfinishedRuns(db: Db): Promise<RunRow[]> {
  const rows = await db.query<Raw<RunRow>>(`SELECT ${RUN_COLUMNS} FROM export_runs FINAL WHERE status = 'running' OR webhook_status = 'pending'`, {}, SETTINGS);
  return rows.map(fromRun);
}

/** Runs whose file is older than `cutoff` (unix ms) and still on disk. */
export async function expiredRuns(db: Db, cutoff: number): Promise<RunRow[]> {
  const rows = await db.query<Raw<RunRow>>(
    `SELECT ${RUN_COLUMNS} FROM export_runs FINAL WHERE file != '' AND started_at < {cutoff:DateTime64(3, 'UTC')}`,
    { cutoff: chTime(cutoff) },
    SETTINGS,
  );
  return rows.map(fromRun);
}
