import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { memo } from './memo.ts';
import { safeInt } from './money.ts';
import { hourStart } from '../../core/time.ts';
import { planParams } from './plans.ts';
import { ALL_CHARGED, NONE_CHARGED, type Quota } from './quota.ts';

export type Bucket = 'month' | 'day' | 'all';
/** Item categories as stored (billing_items.category). */
export const CATEGORY = { service: 0, initiated: 1, visitor: 2 } as const;

export interface ChargeRow {
  /** 'YYYY-MM' for month buckets, 'YYYY-MM-DD' for day buckets, '' for 'all' */
  bucket: string;
  category: number;
  /** charged items */
  billable: number;
  /** rupiah */
  charges: number;
  /** rupiah, of the items at or after recentMs */
  recent_charges: number;
}

const SQL = loadSql(import.meta.url, 'charges.sql');

/**
 * Charged items of billing months fromMonth..toMonth (default: all of `q`) with
 * loMs <= time < hiMs (default: any), per bucket and category. `q` must cover every month
 * read (its bounds are indexed by month). Call inside withItems.
 */
export async function chargedItems(
  db: Db,
  account: string,
  q: Quota,
  opts: { bucket: Bucket; fromMonth?: string; toMonth?: string; loMs?: number; hiMs?: number; recentMs?: number },
  key: string | null = null,
): Promise<ChargeRow[]> {
  // Whole months only depend on what the key covers; a time edge (balance at T) does not.
  const timeless = opts.loMs === undefined && opts.hiMs === undefined && opts.recentMs === undefined;
  const months = `${q.months[0]?.month}..${q.months[q.months.length - 1]?.month}`;
  return memo(db, timeless && key ? `${key}|charges|${opts.bucket}|${opts.fromMonth}|${opts.toMonth}|${months}` : null, () => chargesNow(db, account, q, opts));
}

async function chargesNow(
  db: Db,
  account: string,
  q: Quota,
  opts: { bucket: Bucket; fromMonth?: string; toMonth?: string; loMs?: number; hiMs?: number; recentMs?: number },
): Promise<ChargeRow[]> {
  if (!q.months.length) return [];
  const loMs = opts.loMs ?? ALL_CHARGED;
  const hiMs = opts.hiMs ?? NONE_CHARGED;
  const recentMs = opts.recentMs ?? NONE_CHARGED;
  // Hours that one count cannot stand for: those holding a month's last free item, a
  // plan change, or an edge of the range or of the recent window.
  const edges = [...q.plans.slice(1).map((p) => p.from_ms), loMs, hiMs, recentMs].filter((x) => x > ALL_CHARGED && x < NONE_CHARGED).map((x) => hourStart(q.tz, x));
  const bounds = [...q.bounds.h0, ...q.bounds.h1].filter((x) => x > ALL_CHARGED && x < NONE_CHARGED);
  const cut = [...new Set([...edges, ...bounds])].sort((a, b) => a - b);
  const ranges = cut.map((_, i) => `(t >= fromUnixTimestamp64Milli({c${i}:Int64}, 'UTC') AND t < fromUnixTimestamp64Milli({c${i}:Int64} + 3600000, 'UTC'))`);
  const sql = SQL.replace('/*cut*/', ranges.length ? ranges.join('\n               OR ') : '0');
  const rows = await db.query<Record<string, string | number>>(sql, {
    ...Object.fromEntries(cut.map((c, i) => [`c${i}`, c])),
    cut,
    account,
    tz: q.tz,
    lo_month: `${q.months[0].month}-01`,
    from_month: `${opts.fromMonth ?? q.months[0].month}-01`,
    to_month: `${opts.toMonth ?? q.months[q.months.length - 1].month}-01`,
    lo_ms: loMs,
    hi_ms: hiMs,
    recent_ms: recentMs,
    bucket: opts.bucket,
    ...q.bounds,
    ...planParams(q.plans),
  });
  return rows.map((r) => ({
    bucket: opts.bucket === 'month' ? String(r.bucket).slice(0, 7) : String(r.bucket),
    category: Number(r.category),
    billable: Number(r.billable),
    charges: safeInt(r.charges),
    recent_charges: safeInt(r.recent_charges),
  }));
}
