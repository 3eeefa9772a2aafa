import type { Db } from '../db.ts';
import { toDurations, type DurationsRaw } from './durations.ts';
import { groupKey, runMetricSql } from './query.ts';
import { emptyDurations, type Durations, type MetricFilters, type Row, type Shape } from './types.ts';

/** SPEC "Response time": first assignment to latest resolve, of rooms resolved in the window (calendar or office time, see MetricFilters.office). */
export async function responseTimeRows(db: Db, f: MetricFilters, shape: Shape = {}): Promise<Array<Row<Durations>>> {
  const rows = await runMetricSql<DurationsRaw>(db, 'response-time.sql', f, shape);
  return rows.map((r) => ({ bucket: r.bucket, key: groupKey(shape, r.grp), value: toDurations(r) }));
}

export async function responseTime(db: Db, f: MetricFilters): Promise<Durations> {
  return (await responseTimeRows(db, f))[0]?.value ?? emptyDurations();
}
