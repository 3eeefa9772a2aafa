import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { safeInt } from './money.ts';
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
): Promise<ChargeRow[]> {
  if (!q.months.length) return [];
  const rows = await db.query<Record<string, string | number>>(SQL, {
    account,
    tz: q.tz,
    lo_month: `${q.months[0].month}-01`,
    from_month: `${opts.fromMonth ?? q.months[0].month}-01`,
    to_month: `${opts.toMonth ?? q.months[q.months.length - 1].month}-01`,
    lo_ms: opts.loMs ?? ALL_CHARGED,
    hi_ms: opts.hiMs ?? NONE_CHARGED,
    recent_ms: opts.recentMs ?? NONE_CHARGED,
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
