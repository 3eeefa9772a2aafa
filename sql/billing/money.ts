import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';

export interface MoneyRow {
  /** 'YYYY-MM' for month buckets, 'YYYY-MM-DD' for day buckets, '' for 'all' */
  bucket: string;
  /** rupiah, > 0 */
  topups: number;
  /** rupiah, signed */
  adjustments: number;
  topup_count: number;
  adjustment_count: number;
}

const SQL = loadSql(import.meta.url, 'money.sql');

/** Top-ups and adjustments with loMs <= time < hiMs, per bucket in `tz`. */
export async function moneyIn(db: Db, account: string, tz: string, opts: { loMs: number; hiMs: number; bucket: 'month' | 'day' | 'all' }): Promise<MoneyRow[]> {
  const rows = await db.query<Record<string, string | number>>(SQL, { account, tz, lo_ms: opts.loMs, hi_ms: opts.hiMs, bucket: opts.bucket });
  return rows.map((r) => ({
    bucket: opts.bucket === 'month' ? String(r.bucket).slice(0, 7) : String(r.bucket),
    topups: safeInt(r.topups),
    adjustments: safeInt(r.adjustments),
    topup_count: Number(r.topup_count),
    adjustment_count: Number(r.adjustment_count),
  }));
}

/** A rupiah amount from SQL (Int64/UInt64 arrive as strings) as a JS number, refusing any it cannot hold exactly. */
export function safeInt(v: string | number): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`amount ${v} is beyond exact integer range`);
  return n;
}
