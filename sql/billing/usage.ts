import type { Db } from '../db.ts';
import { chargedItems, CATEGORY, type ChargeRow } from './charges.ts';
import { quota } from './quota.ts';
import { withItems } from './sync.ts';
import { monthIn } from '../../core/time.ts';
import type { Usage } from '../../core/wire/billing.ts';

/** SPEC "billing/usage" shape; counts are conversations / visitors, money is rupiah. */
export type { Usage };

/** MCC / MUV usage and charges of one billing month ('YYYY-MM', account time zone; default: this month). */
export async function usage(db: Db, account: string, month: string | undefined, now: number): Promise<Usage> {
  return withItems(db, account, async ({ tz, plans, key }) => {
    const m = month ?? monthIn(tz, now);
    const q = await quota(db, account, tz, plans, m, m, key);
    const rows = await chargedItems(db, account, q, { bucket: 'all', fromMonth: m, toMonth: m }, key);
    return usageOf(q.months.find((x) => x.month === m)!, rows);
  });
}

/** Assembles the usage shape of a month from its quota row and its charged items. */
export function usageOf(qm: import('./quota.ts').QuotaMonth, rows: ChargeRow[]): Usage {
  const cat = (c: number) => rows.filter((r) => r.category === c).reduce((a, r) => ({ n: a.n + r.billable, rp: a.rp + r.charges }), { n: 0, rp: 0 });
  const svc = cat(CATEGORY.service);
  const ini = cat(CATEGORY.initiated);
  const muv = cat(CATEGORY.visitor);
  return {
    month: qm.month,
    mcc: {
      service: qm.mcc_service,
      initiated: qm.mcc_initiated,
      total: qm.mcc_total,
      free_quota: qm.mcc_free_quota,
      carried_in: qm.carried_in,
      free_used: qm.mcc_free_used,
      billable_service: svc.n,
      billable_initiated: ini.n,
      remaining_quota: qm.mcc_free_quota + qm.carried_in - qm.mcc_free_used,
    },
    muv: {
      count: qm.muv_total,
      free_quota: qm.muv_free_quota,
      billable: muv.n,
      remaining_quota: qm.muv_free_quota - qm.muv_free_used,
    },
    charges: { mcc_service: svc.rp, mcc_initiated: ini.rp, muv: muv.rp, total: svc.rp + ini.rp + muv.rp },
  };
}
