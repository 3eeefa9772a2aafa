import type { Db } from '../db.ts';
import { chargedItems, CATEGORY } from './charges.ts';
import { moneyIn } from './money.ts';
import { quota } from './quota.ts';
import { withItems } from './sync.ts';
import { addDays, addMonths, dateIn, dateStart, monthIn, monthStart, rfc3339In } from '../../core/time.ts';
import type { Ledger, LedgerRow } from '../../core/wire/billing.ts';

export type Interval = 'day' | 'month';

/** Most buckets one ledger answers (about ten years of days). */
export const MAX_LEDGER_BUCKETS = 3700;

export type { LedgerRow };

export type { Ledger };

/** The calendar buckets of [fromMs, toMs) in `tz`, as (label, start, end). */
export function ledgerBuckets(fromMs: number, toMs: number, interval: Interval, tz: string): Array<{ bucket: string; start: number; end: number }> {
  const out: Array<{ bucket: string; start: number; end: number }> = [];
  let label = interval === 'day' ? dateIn(tz, fromMs) : monthIn(tz, fromMs);
  let start = fromMs;
  while (start < toMs) {
    const next = interval === 'day' ? addDays(label, 1) : addMonths(label, 1);
    const nextStart = interval === 'day' ? dateStart(tz, next) : monthStart(tz, next);
    out.push({ bucket: label, start, end: Math.min(nextStart, toMs) });
    if (out.length > MAX_LEDGER_BUCKETS) throw new RangeError(`more than ${MAX_LEDGER_BUCKETS} buckets`);
    label = next;
    start = nextStart;
  }
  return out;
}

/** Top-ups, adjustments and charges per day or month of [fromMs, toMs), with the running balance. */
export async function ledger(db: Db, account: string, fromMs: number, toMs: number, interval: Interval = 'day'): Promise<Ledger> {
  return withItems(db, account, async ({ tz, plans, key }) => {
    const buckets = ledgerBuckets(fromMs, toMs, interval, tz);
    const last = monthIn(tz, Math.max(fromMs, toMs - 1));
    const [q, moneyBefore, money] = await Promise.all([
      quota(db, account, tz, plans, monthIn(tz, fromMs), last, key),
      moneyIn(db, account, tz, { bucket: 'all', loMs: -1e15, hiMs: fromMs }),
      moneyIn(db, account, tz, { bucket: interval, loMs: fromMs, hiMs: toMs }),
    ]);
    const [before, charged] = await Promise.all([
      chargedItems(db, account, q, { bucket: 'all', hiMs: fromMs }),
      chargedItems(db, account, q, { bucket: interval, loMs: fromMs, hiMs: toMs }),
    ]);
    const opening = moneyBefore.reduce((a, r) => a + r.topups + r.adjustments, 0) - before.reduce((a, r) => a + r.charges, 0);
    let bal = opening;
    const rows = buckets.map((b) => {
      const c = (cat: number) => charged.filter((r) => r.bucket === b.bucket && r.category === cat).reduce((a, r) => a + r.charges, 0);
      const mo = money.filter((r) => r.bucket === b.bucket);
      const topups = mo.reduce((a, r) => a + r.topups, 0);
      const adjustments = mo.reduce((a, r) => a + r.adjustments, 0);
      const charges = { mcc_service: c(CATEGORY.service), mcc_initiated: c(CATEGORY.initiated), muv: c(CATEGORY.visitor), total: 0 };
      charges.total = charges.mcc_service + charges.mcc_initiated + charges.muv;
      const net = topups + adjustments - charges.total;
      const row: LedgerRow = { bucket: b.bucket, start: rfc3339In(tz, b.start), end: rfc3339In(tz, b.end), topups, adjustments, charges, net, opening_balance: bal, closing_balance: bal + net };
      bal += net;
      return row;
    });
    return { from: rfc3339In(tz, fromMs), to: rfc3339In(tz, toMs), interval, currency: 'IDR', opening_balance: opening, closing_balance: bal, rows };
  });
}
