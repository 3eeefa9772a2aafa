import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { csatRows, emptyCsat, type Csat } from './csat.ts';
import { fillFragments } from './fragments.ts';
import { firstResponseTimeRows } from './first-response-time.ts';
import { metricParams, QUERY_SETTINGS } from './query.ts';
import { responseTimeRows } from './response-time.ts';
import { emptyTotalChats, totalChatsRows, type TotalChats } from './total-chats.ts';
import { emptyDurations, type Durations, type Interval, type MetricFilters, type Row } from './types.ts';

import { SERIES_METRICS, type SeriesMetric } from '../../core/wire/metrics.ts';

export { SERIES_METRICS, type SeriesMetric };
export type SeriesValue = TotalChats | Durations | Csat;

const METRICS: Record<SeriesMetric, { rows: (db: Db, f: MetricFilters, shape: { interval: Interval }) => Promise<Array<Row<SeriesValue>>>; empty: () => SeriesValue }> = {
  total_chats: { rows: totalChatsRows, empty: emptyTotalChats },
  response_time: { rows: responseTimeRows, empty: emptyDurations },
  first_response_time: { rows: firstResponseTimeRows, empty: emptyDurations },
  csat: { rows: csatRows, empty: emptyCsat },
};

/** Start (unix ms) of every `interval` bucket, in f.tz, that [from, to) touches: the first may begin before `from`. */
export async function bucketStarts(db: Db, f: MetricFilters, interval: Interval): Promise<number[]> {
  const hours = Math.ceil((f.to - f.from) / 3_600_000);
  const sql = fillFragments(loadSql(import.meta.url, 'buckets.sql'), f, { interval });
  const rows = await db.query<{ starts: number[] }>(sql, { ...metricParams(f), hours }, QUERY_SETTINGS);
  return rows[0]?.starts ?? [];
}

/**
 * One metric as a series: every bucket of the window in order, empty ones with zero counts
 * and null averages. Values count only what falls inside [from, to), also in a first or
 * last bucket that the window cuts.
 */
export async function metricSeries(db: Db, f: MetricFilters, metric: SeriesMetric, interval: Interval): Promise<Array<{ start: number; value: SeriesValue }>> {
  const m = METRICS[metric];
  const [starts, rows] = await Promise.all([bucketStarts(db, f, interval), m.rows(db, f, { interval })]);
  const byStart = new Map(rows.map((r) => [r.bucket, r.value]));
  // A bucket the data has but the enumeration missed (cannot happen with one tz database; kept so no number is ever dropped).
  const all = [...new Set([...starts, ...byStart.keys()])].sort((a, b) => a - b);
  return all.map((start) => ({ start, value: byStart.get(start) ?? m.empty() }));
}
