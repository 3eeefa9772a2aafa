import type { Db } from '../db.ts';
import { chargedItems } from './charges.ts';
import { moneyIn } from './money.ts';
import { quota } from './quota.ts';
import { withItems } from './sync.ts';
import { addMonths, dateIn, monthIn, rfc3339In } from '../../core/time.ts';
import type { Balance } from '../../core/wire/billing.ts';

/** 7 x 24 h, ms: the projection's window. */
const WEEK_MS = 7 * 86_400_000;
/** Latest date zero_on reports; a pace that slow is "never" for finance. */
const FAR_MS = Date.UTC(9999, 11, 31);

/** SPEC "billing/balance" shape; money is rupiah (integers) except daily_spend. */
export type { Balance };

/** The balance at instant `atMs` (default now): money in at or before it minus charges at or before it. */
export async function balance(db: Db, account: string, atMs: number): Promise<Balance> {
  return withItems(db, account, async ({ tz, plans, key }) => {
    const m = monthIn(tz, atMs);
    // "at or before T": t < T + 1 ms (times are whole ms); "the 7 x 24 h before T": t > T - 7 d.
    const [q, money] = await Promise.all([
      quota(db, account, tz, plans, m, m, key),
      moneyIn(db, account, tz, { bucket: 'all', loMs: -1e15, hiMs: atMs + 1 }),
    ]);
    // Months wholly before the 7-day window are whole months before T: their charges do
    // not depend on T (and are memoised with the quota); only the rest is read at T.
    const recentMs = atMs - WEEK_MS + 1;
    const split = [monthIn(tz, recentMs), q.months[0].month].sort()[1];
    const [closed, open] = await Promise.all([
      split > q.months[0].month ? chargedItems(db, account, q, { bucket: 'all', toMonth: addMonths(split, -1) }, key) : Promise.resolve([]),
      chargedItems(db, account, q, { bucket: 'all', fromMonth: split, hiMs: atMs + 1, recentMs }),
    ]);
    const charged = [...closed, ...open];
    const charges = charged.reduce((a, r) => a + r.charges, 0);
    const recent = charged.reduce((a, r) => a + r.recent_charges, 0);
    const topups = money.reduce((a, r) => a + r.topups, 0);
    const adjustments = money.reduce((a, r) => a + r.adjustments, 0);
    const bal = topups + adjustments - charges;
    return {
      balance: bal,
      currency: 'IDR',
      as_of: rfc3339In(tz, atMs),
      topups,
      adjustments,
      charges,
      projection: { daily_spend: recent / 7, zero_on: zeroOn(bal, recent, atMs, tz), charges_7d: recent },
    };
  });
}

/** SPEC: the date at which `bal` reaches zero spending `week` rupiah per 7 days from atMs. */
export function zeroOn(bal: number, week: number, atMs: number, tz: string): string | null {
  if (bal <= 0) return dateIn(tz, atMs);
  if (week === 0) return null;
  // ms until zero = bal / (week / 7 d) = bal * 7 d / week, in exact integer arithmetic
  const ms = (BigInt(bal) * BigInt(WEEK_MS)) / BigInt(week);
  const at = BigInt(atMs) + ms;
  return dateIn(tz, at > BigInt(FAR_MS) ? FAR_MS : Number(at));
}
