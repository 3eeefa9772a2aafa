import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { planParams, type Plan } from './plans.ts';

/** One billing month of the quota chain (quota.sql). Counts are items; quotas are items too. */
export interface QuotaMonth {
  /** 'YYYY-MM' in the account's time zone */
  month: string;
  /** The plan in force at 00:00 on the 1st: it sets the month's grants and rollover. */
  plan: Plan;
  mcc_free_quota: number;
  muv_free_quota: number;
  mcc_rollover: boolean;
  carried_in: number;
  mcc_service: number;
  mcc_initiated: number;
  mcc_total: number;
  mcc_free_used: number;
  muv_total: number;
  muv_free_used: number;
}

/** The last free item of each month, per kind, as the arrays charges.sql takes (index 1 = first month). */
export interface Bounds {
  b0_ms: number[];
  b0_id: string[];
  b1_ms: number[];
  b1_id: string[];
}

export interface Quota {
  tz: string;
  plans: Plan[];
  /** 'YYYY-MM' of the account's first event (its quota accounting starts there) */
  firstMonth: string;
  /** every month from min(from, firstMonth) to `to`, in order */
  months: QuotaMonth[];
  bounds: Bounds;
}

/** (ms, id) bounds meaning "every item of the month is charged" / "none is". */
export const ALL_CHARGED = -1_000_000_000_000_000;
export const NONE_CHARGED = 1_000_000_000_000_000;

const SQL = { quota: loadSql(import.meta.url, 'quota.sql'), boundary: loadSql(import.meta.url, 'boundary.sql') };

interface Row {
  month: string;
  first_month: string;
  plan_index: number;
  mcc_free_quota: number;
  muv_free_quota: number;
  mcc_rollover: number;
  carried_in: string;
  mcc_service: string;
  mcc_initiated: string;
  mcc_total: string;
  mcc_free_used: string;
  muv_total: string;
  muv_free_used: string;
  mcc_bound_hour: string;
  mcc_bound_rank: string;
  muv_bound_hour: string;
  muv_bound_rank: string;
}

/**
 * The quota chain from the account's first month to `toMonth` ('YYYY-MM'), returned
 * from min(fromMonth, first month), with the bound of the free items of each month.
 * Call inside withItems (the items must be current).
 */
export async function quota(db: Db, account: string, tz: string, plans: Plan[], fromMonth: string, toMonth: string): Promise<Quota> {
  const rows = await db.query<Row>(SQL.quota, { account, tz, from_month: `${fromMonth}-01`, to_month: `${toMonth}-01`, ...planParams(plans) });
  const months: QuotaMonth[] = rows.map((r) => ({
    month: r.month.slice(0, 7),
    plan: plans[Number(r.plan_index) - 1],
    mcc_free_quota: Number(r.mcc_free_quota),
    muv_free_quota: Number(r.muv_free_quota),
    mcc_rollover: Number(r.mcc_rollover) === 1,
    carried_in: Number(r.carried_in),
    mcc_service: Number(r.mcc_service),
    mcc_initiated: Number(r.mcc_initiated),
    mcc_total: Number(r.mcc_total),
    mcc_free_used: Number(r.mcc_free_used),
    muv_total: Number(r.muv_total),
    muv_free_used: Number(r.muv_free_used),
  }));
  const bounds: Bounds = { b0_ms: [], b0_id: [], b1_ms: [], b1_id: [] };
  const ask = { bk: [] as number[], bm: [] as string[], bh: [] as number[], br: [] as number[] };
  rows.forEach((r, i) => {
    const m = months[i];
    bounds.b0_ms.push(m.mcc_free_used === 0 ? ALL_CHARGED : NONE_CHARGED);
    bounds.b0_id.push('');
    bounds.b1_ms.push(m.muv_free_used === 0 ? ALL_CHARGED : NONE_CHARGED);
    bounds.b1_id.push('');
    for (const [kind, hour, rank] of [
      [0, r.mcc_bound_hour, r.mcc_bound_rank],
      [1, r.muv_bound_hour, r.muv_bound_rank],
    ] as const) {
      if (Number(hour) < 0) continue;
      ask.bk.push(kind);
      ask.bm.push(r.month);
      ask.bh.push(Number(hour));
      ask.br.push(Number(rank));
    }
  });
  if (ask.bk.length) {
    const index = new Map(rows.map((r, i) => [r.month, i]));
    for (const b of await db.query<{ kind: number; month: string; ms: string; id: string }>(SQL.boundary, { account, ...ask })) {
      const i = index.get(b.month)!;
      if (Number(b.kind) === 0) [bounds.b0_ms[i], bounds.b0_id[i]] = [Number(b.ms), b.id];
      else [bounds.b1_ms[i], bounds.b1_id[i]] = [Number(b.ms), b.id];
    }
  }
  return { tz, plans, firstMonth: rows[0] ? rows[0].first_month.slice(0, 7) : fromMonth, months, bounds };
}
