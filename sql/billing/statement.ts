import type { Db } from '../db.ts';
import { chargedItems } from './charges.ts';
import { moneyIn } from './money.ts';
import { quota } from './quota.ts';
import { withItems } from './sync.ts';
import { usageOf } from './usage.ts';
import type { Plan } from './plans.ts';
import type { Statement, StatementMonth } from '../../core/wire/billing.ts';

/** One month of the statement: the usage shape plus money and balances (rupiah). */
export type { StatementMonth };

export type { Statement };

/** A row per billing month from `from` to `to` ('YYYY-MM', both included). */
export async function statement(db: Db, account: string, from: string, to: string): Promise<Statement> {
  return withItems(db, account, async ({ tz, plans, key }) => {
    const [q, money] = await Promise.all([quota(db, account, tz, plans, from, to, key), moneyIn(db, account, tz, { bucket: 'month', loMs: -1e15, hiMs: 1e15 })]);
    const charged = await chargedItems(db, account, q, { bucket: 'month' }, key);
    // Money and charges before the first listed month make its opening balance.
    let balance = 0;
    for (const r of money) if (r.bucket < q.months[0].month) balance += r.topups + r.adjustments;
    const months: StatementMonth[] = [];
    for (const qm of q.months) {
      const u = usageOf(qm, charged.filter((r) => r.bucket === qm.month));
      const mo = money.filter((r) => r.bucket === qm.month);
      const topups = mo.reduce((a, r) => a + r.topups, 0);
      const adjustments = mo.reduce((a, r) => a + r.adjustments, 0);
      const opening = balance;
      balance = opening + topups + adjustments - u.charges.total;
      if (qm.month >= from) months.push({ ...u, plan_id: qm.plan.id, plan: planTerms(qm.plan), topups, adjustments, opening_balance: opening, closing_balance: balance });
    }
    return { from, to, currency: 'IDR', first_month: q.firstMonth, months };
  });
}

/** What the statement says of a plan: its quotas and prices, without its zone. */
const planTerms = (p: Plan): StatementMonth['plan'] => ({
  id: p.id,
  mcc_free_monthly: p.mcc_free_monthly,
  muv_free_monthly: p.muv_free_monthly,
  price_mcc_service: p.price_mcc_service,
  price_mcc_initiated: p.price_mcc_initiated,
  price_muv: p.price_muv,
  mcc_rollover: p.mcc_rollover,
});
