import { DEFAULT_PLAN, type PlanTerms } from '../../core/contract.ts';

/** A plan's terms and the instant (ms since epoch) it comes into force; the default plan first, from "always". */
export interface Plan extends PlanTerms {
  /** plan.changed event id; null for the default plan */
  id: string | null;
  from_ms: number;
}

/** Before any plan: far enough in the past for any stored time, small enough for Int64 arithmetic. */
export const NEVER_MS = -1_000_000_000_000_000;

/** Plan rows as the tuples of sync-state.sql (or objects of the same fields), with the default plan first. */
export function plansFrom(rows: Array<Record<string, unknown> | unknown[]>): Plan[] {
  const names = ['ms', 'id', 'mcc_free_monthly', 'muv_free_monthly', 'price_mcc_service', 'price_mcc_initiated', 'price_muv', 'mcc_rollover', 'timezone'];
  const objs = rows.map((r) => (Array.isArray(r) ? Object.fromEntries(names.map((n, i) => [n, r[i]])) : r) as Record<string, unknown>);
  return [
    { id: null, from_ms: NEVER_MS, ...DEFAULT_PLAN },
    ...objs.map((r) => ({
      id: String(r.id),
      from_ms: Number(r.ms),
      mcc_free_monthly: Number(r.mcc_free_monthly),
      muv_free_monthly: Number(r.muv_free_monthly),
      price_mcc_service: Number(r.price_mcc_service),
      price_mcc_initiated: Number(r.price_mcc_initiated),
      price_muv: Number(r.price_muv),
      mcc_rollover: r.mcc_rollover === true || Number(r.mcc_rollover) === 1 || r.mcc_rollover === 'true',
      timezone: String(r.timezone),
    })),
  ];
}

/** The plan history as parallel arrays, the way the billing queries take it ({plan_*:Array(...)}). */
export function planParams(plans: Plan[]): Record<string, number[]> {
  return {
    plan_ms: plans.map((p) => p.from_ms),
    plan_mcc_free: plans.map((p) => p.mcc_free_monthly),
    plan_muv_free: plans.map((p) => p.muv_free_monthly),
    plan_roll: plans.map((p) => (p.mcc_rollover ? 1 : 0)),
    plan_svc: plans.map((p) => p.price_mcc_service),
    plan_ini: plans.map((p) => p.price_mcc_initiated),
    plan_muv: plans.map((p) => p.price_muv),
  };
}

/** Index in `plans` of the plan in force at `ms` (the latest from_ms <= ms). */
export function planAt(plans: Plan[], ms: number): number {
  let i = 0;
  while (i + 1 < plans.length && plans[i + 1].from_ms <= ms) i++;
  return i;
}
