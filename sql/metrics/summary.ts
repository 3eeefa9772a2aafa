import type { Db } from '../db.ts';
import type { Summary } from '../../core/wire/metrics.ts';
import { csatRows, emptyCsat } from './csat.ts';
import { firstResponseTimeRows } from './first-response-time.ts';
import { resolvedRows } from './response-time.ts';
import { emptyTotalChats, totalChatsRows } from './total-chats.ts';
import { emptyDurations, type MetricFilters, type Row, type Shape } from './types.ts';

/** Every manager number of one window (core/wire/metrics.ts). */
export type { Summary };

export const emptySummary = (): Summary => ({ ...emptyTotalChats(), resolved: 0, response_time: emptyDurations(), first_response_time: emptyDurations(), csat: emptyCsat() });

/**
 * The four metrics for the same shape, one query each, run side by side and merged into
 * one Summary per (bucket, key); only (bucket, key) pairs with some number are returned.
 * (One query computing all four was tried: it read room_state once but cost more, since
 * here analysing a query costs more than running it, and four queries run in parallel.)
 */
export async function summaryRows(db: Db, f: MetricFilters, shape: Shape = {}): Promise<Array<Row<Summary>>> {
  const [chats, rt, frt, cs] = await Promise.all([
    totalChatsRows(db, f, shape),
    resolvedRows(db, f, shape),
    firstResponseTimeRows(db, f, shape),
    csatRows(db, f, shape),
  ]);
  const out = new Map<string, Row<Summary>>();
  const at = (r: Row<unknown>): Summary => {
    const id = `${r.bucket}\u0000${r.key}`;
    let row = out.get(id);
    if (!row) out.set(id, (row = { bucket: r.bucket, key: r.key, value: emptySummary() }));
    return row.value;
  };
  for (const r of chats) Object.assign(at(r), r.value);
  for (const r of rt) {
    const s = at(r);
    s.response_time = r.value.durations;
    s.resolved = r.value.resolved;
  }
  for (const r of frt) at(r).first_response_time = r.value;
  for (const r of cs) at(r).csat = r.value;
  return [...out.values()];
}

/**
 * The summary of [from, to) and of the window it is compared with: by default the window of
 * the same length just before it, in one query per metric; or `compare` ([from, to) in unix
 * ms, ending at or before `from`: "today so far" against the same hours of yesterday, a
 * month against the whole month before), computed as a summary of its own.
 */
export async function summaryWithPrevious(
  db: Db,
  f: MetricFilters,
  compare?: { from: number; to: number },
): Promise<{ current: Summary; previous: Summary; previousFrom: number; previousTo: number }> {
  if (compare) {
    const [cur, prev] = await Promise.all([summaryRows(db, f), summaryRows(db, { ...f, from: compare.from, to: compare.to })]);
    return { current: cur[0]?.value ?? emptySummary(), previous: prev[0]?.value ?? emptySummary(), previousFrom: compare.from, previousTo: compare.to };
  }
  const rows = await summaryRows(db, f, { previous: true });
  const previousFrom = f.from - (f.to - f.from);
  return {
    current: rows.find((r) => r.bucket === f.from)?.value ?? emptySummary(),
    previous: rows.find((r) => r.bucket === previousFrom)?.value ?? emptySummary(),
    previousFrom,
    previousTo: f.from,
  };
}

/** One Summary per channel or agent, for the agents / channels tables (only keys with some number). */
export async function summaryBy(db: Db, f: MetricFilters, group: 'channel' | 'agent'): Promise<Array<{ key: string; value: Summary }>> {
  const rows = await summaryRows(db, f, { group });
  return rows.map((r) => ({ key: r.key ?? '', value: r.value })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
