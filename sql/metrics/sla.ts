import type { Db } from '../db.ts';
import { chTime, groupKey, runMetricSql } from './query.ts';
import type { MetricFilters, Shape } from './types.ts';

/** One service level: rooms first assigned in the window, met / breached / pending against the target. */
export interface SlaLevel {
  target_s: number | null;
  rooms: number;
  met: number | null;
  breached: number | null;
  pending: number | null;
  /** met / (met + breached) x 100; null with no target or nothing decided yet */
  met_pct: number | null;
}
export interface SlaFigures {
  first_response: SlaLevel;
  resolution: SlaLevel;
}
export interface SlaTargets {
  first_response_s: number | null;
  resolution_s: number | null;
}

interface Raw {
  grp: string;
  rooms: number;
  fr_met: number;
  fr_breached: number;
  res_met: number;
  res_breached: number;
}

/** Seconds as whole ms for SQL (room times are whole ms, so flooring keeps "at most the target"). */
const targetMs = (s: number | null) => (s === null ? -1 : Math.floor(s * 1000));

function level(target: number | null, rooms: number, met: number, breached: number): SlaLevel {
  if (target === null) return { target_s: null, rooms, met: null, breached: null, pending: null, met_pct: null };
  return { target_s: target, rooms, met, breached, pending: rooms - met - breached, met_pct: met + breached ? (100 * met) / (met + breached) : null };
}

export const emptySla = (t: SlaTargets): SlaFigures => ({ first_response: level(t.first_response_s, 0, 0, 0), resolution: level(t.resolution_s, 0, 0, 0) });

/**
 * Service levels of the rooms first assigned in [from, to), whole or per channel / agent
 * (`shape.group`), judged at `nowMs` when the window is not over yet (a room still
 * waiting is breached only once its target has passed).
 */
export async function slaRows(db: Db, f: MetricFilters, t: SlaTargets, nowMs: number, shape: Shape = {}): Promise<Array<{ key: string | null; value: SlaFigures }>> {
  const params = { fr_ms: targetMs(t.first_response_s), res_ms: targetMs(t.resolution_s), until: chTime(Math.min(f.to, nowMs)) };
  const rows = await runMetricSql<Raw>(db, 'sla.sql', f, shape, { params });
  return rows.map((r) => ({
    key: groupKey(shape, r.grp),
    value: { first_response: level(t.first_response_s, Number(r.rooms), Number(r.fr_met), Number(r.fr_breached)), resolution: level(t.resolution_s, Number(r.rooms), Number(r.res_met), Number(r.res_breached)) },
  }));
}
