import type { Db } from '../db.ts';
import { chTime, groupKey, runMetricSql } from './query.ts';
import type { MetricFilters, Shape } from './types.ts';

/** 24 h, ms: a customer's window. */
const DAY_MS = 86_400_000;

export interface Expired {
  /** rooms with a window that closed unanswered in the period */
  expired_unanswered: number;
  /** rooms with a window (their last inbound message of a 24 h run) that closed in the period */
  rooms_with_inbound: number;
  /** expired_unanswered / rooms_with_inbound x 100; null over none */
  pct: number | null;
}

/** The filters widened 24 h back (messages whose window can close in [from, to)), and the close window itself. */
export function expiredScope(f: MetricFilters): { wide: MetricFilters; params: Record<string, string> } {
  return { wide: { ...f, from: f.from - DAY_MS }, params: { close_lo: chTime(f.from) } };
}

export const expiredOf = (withInbound: number, expired: number): Expired => ({
  expired_unanswered: expired,
  rooms_with_inbound: withInbound,
  pct: withInbound ? (100 * expired) / withInbound : null,
});

interface Raw {
  grp: string;
  rooms_with_inbound: number;
  expired_unanswered: number;
}

/** Expired windows of [from, to), whole or per channel / agent. */
export async function expiredRows(db: Db, f: MetricFilters, shape: Shape = {}): Promise<Array<{ key: string | null; value: Expired }>> {
  const { wide, params } = expiredScope(f);
  const rows = await runMetricSql<Raw>(db, 'expired.sql', wide, shape, { params });
  return rows.map((r) => ({ key: groupKey(shape, r.grp), value: expiredOf(Number(r.rooms_with_inbound), Number(r.expired_unanswered)) }));
}
