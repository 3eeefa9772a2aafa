import { DEFAULT_PLAN } from '../../core/contract.ts';
import { DAY, HOUR, TZ_MS, localDay, nextMonthStart } from './calendar.ts';
import type { Outbox } from './events.ts';
import type { Ev } from './queue.ts';
import type { Rng } from './random.ts';
import type { PlanTerms } from '../../core/contract.ts';

/** An account's billing events: plan changes, balance top-ups and adjustments (amounts in IDR). */

type Plan = PlanTerms;
/** Starting plan (SPEC default prices plus free quotas), then one of these mid-period. */
const START_PLAN: Plan = { mcc_free_monthly: 1000, muv_free_monthly: 500, price_mcc_service: 275, price_mcc_initiated: 460, price_muv: 600, mcc_rollover: true, timezone: 'Asia/Jakarta' };
const MID_PLANS: Plan[] = [
  { mcc_free_monthly: 2000, muv_free_monthly: 1000, price_mcc_service: 250, price_mcc_initiated: 420, price_muv: 550, mcc_rollover: true, timezone: 'Asia/Jakarta' },
  { mcc_free_monthly: 500, muv_free_monthly: 300, price_mcc_service: 300, price_mcc_initiated: 500, price_muv: 650, mcc_rollover: false, timezone: 'Asia/Jakarta' },
];
/** For sizing top-ups: a month's unique inbound contacts (MUV) and WhatsApp conversations (MCC) per room of that month, as simulated. */
const VISITORS_PER_ROOM = 0.65, CONVERSATIONS_PER_ROOM = 0.5;
const ADJUSTMENTS: Array<[number, string]> = [
  [1, 'Goodwill credit: WhatsApp delivery outage'],
  [1, 'Refund: duplicate charge on invoice INV-0042'],
  [1, 'Promo bonus "Ramadan" 5%'],
  [-1, 'Correction: top-up recorded twice'],
  [-1, 'Bank transfer fee'],
];

/** An account-level event (rare, so a spread is fine). */
function accountEvent(account: string, type: string, fields: object): Ev {
  return { id: '', type, account_id: account, occurred_at: '', ...fields };
}

/**
 * Queues the plan at the start and mid-period, monthly-ish top-ups and occasional adjustments
 * over [from, to) (UTC ms), sized for `rpd` rooms a day; `midPlan` indexes MID_PLANS (default drawn).
 */
export function queueBillingEvents(out: Outbox, r: Rng, from: number, to: number, rpd: number, midPlan?: number): void {
  // Mid-period plan change at a local month start (the SPEC's "in force for that month" case), else at the midpoint.
  const mid = from + (to - from) / 2, monthStart = nextMonthStart(mid);
  const plans: Array<[number, Plan]> = [[from, START_PLAN], [monthStart < to ? monthStart : Math.floor(mid), MID_PLANS[midPlan ?? r.int(MID_PLANS.length)]]];
  for (const [t, plan] of plans) out.push(t, accountEvent(out.account, 'plan.changed', plan));
  // Top-ups: ~0.4 of a month's spend every ~30 days, and a first one that brings the total to
  // ~1.3 times the whole period's spend: the balance stays positive but shrinks. Round 100,000 IDR.
  const spend = estimateSpend(plans, from, to, rpd), monthly = (spend * 30 * DAY) / (to - from);
  const round = (x: number) => Math.max(100_000, Math.round(x / 100_000) * 100_000);
  let k = 1, later = 0;
  for (let t = from + r.range(25, 35) * DAY; t < to; t += r.range(25, 35) * DAY) {
    const amount = round(0.4 * monthly * r.range(0.8, 1.2));
    later += amount;
    out.push(officeTime(r, t), accountEvent(out.account, 'balance.topup', { amount, reference: `TOPUP-${String(++k).padStart(4, '0')}` }));
  }
  out.push(officeTime(r, from), accountEvent(out.account, 'balance.topup', { amount: round(1.3 * spend - later), reference: 'TOPUP-0001' }));
  // Adjustments of 2-15% of a month's spend, whole thousands.
  for (let t = from + r.range(10, 50) * DAY; t < to; t += r.range(20, 70) * DAY) {
    const [sign, reason] = r.pick(ADJUSTMENTS);
    const amount = sign * 1000 * Math.max(1, Math.round((monthly * r.range(0.02, 0.15)) / 1000));
    out.push(officeTime(r, t), accountEvent(out.account, 'balance.adjustment', { amount, reason }));
  }
}

/** Rough charges (IDR) over [from, to): per calendar month, expected visitors and conversations over the free quota. */
function estimateSpend(plans: Array<[number, Plan]>, from: number, to: number, rpd: number): number {
  const planAt = (t: number): Plan => plans.filter(([at]) => at <= t).at(-1)?.[1] ?? DEFAULT_PLAN;
  let total = 0;
  for (let a = from; a < to; ) {
    const b = Math.min(nextMonthStart(a), to);
    const quota = planAt(nextMonthStart(a - 31 * DAY)), price = planAt(a);
    const rooms = (rpd * (b - a)) / DAY;
    total += Math.max(0, VISITORS_PER_ROOM * rooms - quota.muv_free_monthly) * price.price_muv;
    total += (Math.max(0, CONVERSATIONS_PER_ROOM * rooms - quota.mcc_free_monthly) * (price.price_mcc_service + price.price_mcc_initiated)) / 2;
    a = b;
  }
  return total;
}

/** A random time in 10:00-16:00 local on the first weekday at or after t's day that is not before t. */
function officeTime(r: Rng, t: number): number {
  for (let d = localDay(t); ; d++) {
    const at = d * DAY - TZ_MS + 10 * HOUR + Math.floor(r.u() * 6 * HOUR);
    if ((d + 4) % 7 !== 0 && (d + 4) % 7 !== 6 && at >= t) return at;
  }
}
