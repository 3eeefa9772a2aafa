import crypto from 'node:crypto';
import type { Db } from '../db.ts';
import { chText } from '../ch-time.ts';
import { loadSql } from '../load.ts';
import { num, nextVersion, SETTINGS, withColumns, type ExportFormat, type ExportPeriod, type ExportReport } from './rows.ts';

/**
 * Export schedules (table export_schedules, sql/migrations/030_exports.sql): every change
 * writes the whole row again with a larger version; reads take the latest with FINAL.
 */
export interface ScheduleRow {
  account_id: string;
  id: string;
  report: ExportReport;
  format: ExportFormat;
  cron: string;
  tz: string;
  period: ExportPeriod;
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

export const newScheduleId = () => `sch_${crypto.randomBytes(8).toString('hex')}`;

const COLUMNS = loadSql(import.meta.url, 'schedule-columns.sql');
const SQL = {
  get: withColumns(loadSql(import.meta.url, 'schedule-get.sql'), COLUMNS),
  list: withColumns(loadSql(import.meta.url, 'schedule-list.sql'), COLUMNS),
  all: withColumns(loadSql(import.meta.url, 'schedule-all.sql'), COLUMNS),
};

type Raw = Omit<ScheduleRow, 'created_at' | 'armed_at' | 'updated_at'> & { created_ms: unknown; armed_ms: unknown; updated_ms: unknown };

const fromRow = ({ created_ms, armed_ms, updated_ms, ...r }: Raw): ScheduleRow => ({
  ...r,
  enabled: Boolean(r.enabled),
  deleted: Boolean(r.deleted),
  created_at: num(created_ms),
  armed_at: num(armed_ms),
  updated_at: num(updated_ms),
  version: num(r.version),
});

export async function saveSchedule(db: Db, row: Omit<ScheduleRow, 'version'>): Promise<ScheduleRow> {
  const full = { ...row, version: nextVersion() };
  await db.reader().insert({
    table: 'export_schedules',
    values: [{ ...full, created_at: chText(full.created_at), armed_at: chText(full.armed_at), updated_at: chText(full.updated_at) }],
    format: 'JSONEachRow',
  });
  return full;
}

export async function getSchedule(db: Db, account: string, id: string): Promise<ScheduleRow | null> {
  const rows = await db.query<Raw>(SQL.get, { account, id }, SETTINGS);
  return rows.length ? fromRow(rows[0]) : null;
}

export async function listSchedules(db: Db, account: string): Promise<ScheduleRow[]> {
  const rows = await db.query<Raw>(SQL.list, { account }, SETTINGS);
  return rows.map(fromRow);
}

/** Every account's schedules, deleted ones included (the scheduler disarms those). */
export async function allSchedules(db: Db): Promise<ScheduleRow[]> {
  const rows = await db.query<Raw>(SQL.all, {}, SETTINGS);
  return rows.map(fromRow);
}
