import type { Db } from '../db.ts';
import { toDurations, type DurationsRaw } from './durations.ts';
import { groupKey, runMetricSql } from './query.ts';
import { emptyDurations, type Durations, type MetricFilters, type Row, type Shape } from './types.ts';

/** SPEC "First response time": first assignment to the first agent message at or after it, of rooms first assigned in the window. */
export async function firstResponseTimeRows(db: Db, f: MetricFilters, shape: Shape = {}): Promise<Array<Row<Durations>>> {
  const rows = await runMetricSql<DurationsRaw>(db, 'first-response-time.sql', f, shape);
  return rows.map((r) => ({ bucket: r.bucket, key: groupKey(shape, r.grp), value: toDurations(r) }));
}

export async function firstResponseTime(db: Db, f: MetricFilters): Promise<Durations> {
  return (await firstResponseTimeRows(db, f))[0]?.value ?? emptyDurations();
}
