import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { memo } from './memo.ts';
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

/**
 * Where each month's free items end, per kind, as the arrays charges.sql takes (index 1 =
 * first month): the local hour (ms) holding the last free item and that item's rank in
 * the hour. An item is charged when its hour is later, or it is the same hour and its
 * rank is higher. Nothing free: hour ALL_CHARGED; everything free: hour NONE_CHARGED.
 */
export interface Bounds {
  h0: number[];
  r0: number[];
  h1: number[];
  r1: number[];
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

/** Bound hours meaning "every item of the month is charged" / "none is" (ms, beyond any time). */
export const ALL_CHARGED = -1_000_000_000_000_000;
export const NONE_CHARGED = 1_000_000_000_000_000;

const SQL = { quota: loadSql(import.meta.url, 'quota.sql'), bounds: loadSql(import.meta.url, 'bounds.sql') };

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
}

/**
 * The quota chain from the account's first month to `toMonth` ('YYYY-MM'), returned
 * from min(fromMonth, first month), with where the free items of each month end.
 * Call inside withItems (the items must be current); pass its Fresh.key to reuse a result
 * computed from the same inputs.
 */
export async function quota(db: Db, account: string, tz: string, plans: Plan[], fromMonth: string, toMonth: string, key: string | null = null): Promise<Quota> {
  return memo(db, key && `${key}|quota|${fromMonth}|${toMonth}`, () => quotaNow(db, account, tz, plans, fromMonth, toMonth));
}

async function quotaNow(db: Db, account: string, tz: string, plans: Plan[], fromMonth: string, toMonth: string): Promise<Quota> {
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
  // Months partly free need the hour where their free items end (bounds.sql).
  const bounds: Bounds = {
    h0: months.map((m) => (m.mcc_free_used === 0 ? ALL_CHARGED : NONE_CHARGED)),
    r0: months.map(() => 0),
    h1: months.map((m) => (m.muv_free_used === 0 ? ALL_CHARGED : NONE_CHARGED)),
    r1: months.map(() => 0),
  };
  const partly = months.filter((m) => (m.mcc_free_used > 0 && m.mcc_free_used < m.mcc_total) || (m.muv_free_used > 0 && m.muv_free_used < m.muv_total));
  if (partly.length) {
    const rows = await db.query<{ kind: number; month: string; hour_ms: string; rank: string }>(SQL.bounds, {
      account,
      months: partly.map((m) => `${m.month}-01`),
      free0: partly.map((m) => m.mcc_free_used),
      total0: partly.map((m) => m.mcc_total),
      free1: partly.map((m) => m.muv_free_used),
      total1: partly.map((m) => m.muv_total),
    });
    const index = new Map(months.map((m, i) => [m.month, i]));
    for (const r of rows) {
      const i = index.get(r.month.slice(0, 7))!;
      if (Number(r.kind) === 0) [bounds.h0[i], bounds.r0[i]] = [Number(r.hour_ms), Number(r.rank)];
      else [bounds.h1[i], bounds.r1[i]] = [Number(r.hour_ms), Number(r.rank)];
    }
  }
  return { tz, plans, firstMonth: rows[0] ? rows[0].first_month.slice(0, 7) : fromMonth, months, bounds };
}
