import type { Db } from '../db.ts';
import { toDurations, type DurationsRaw } from './durations.ts';
import { groupKey, runMetricSql } from './query.ts';
import { emptyDurations, type Durations, type MetricFilters, type Row, type Shape } from './types.ts';

/**
 * SPEC "Response time": first assignment to latest resolve, of rooms resolved in the window
 * (calendar or office time, see MetricFilters.office); with `resolved`, every room resolved
 * in the window, assigned or not (the summary's and the agents table's count).
 */
export async function resolvedRows(db: Db, f: MetricFilters, shape: Shape = {}): Promise<Array<Row<{ durations: Durations; resolved: number }>>> {
  const rows = await runMetricSql<DurationsRaw & { resolved: number }>(db, 'response-time.sql', f, shape);
  return rows.map((r) => ({
    bucket: r.bucket,
    key: groupKey(shape, r.grp),
    // Resolved rooms none of which was assigned: no response time at all.
    value: { durations: r.count === 0 ? emptyDurations() : toDurations(r), resolved: r.resolved },
  }));
}

/** Response times per bucket / group (only those with resolved rooms). */
export async function responseTimeRows(db: Db, f: MetricFilters, shape: Shape = {}): Promise<Array<Row<Durations>>> {
  return (await resolvedRows(db, f, shape)).map((r) => ({ bucket: r.bucket, key: r.key, value: r.value.durations }));
}

export async function responseTime(db: Db, f: MetricFilters): Promise<Durations> {
  return (await responseTimeRows(db, f))[0]?.value ?? emptyDurations();
}
