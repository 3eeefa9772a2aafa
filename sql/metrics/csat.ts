import type { Db } from '../db.ts';
import type { Csat } from '../../core/wire/metrics.ts';
import { groupKey, runMetricSql } from './query.ts';
import { fixedKeys, type MetricFilters, type Row, type Shape } from './types.ts';

const SCORES = ['1', '2', '3', '4', '5'] as const;

/** SPEC "CSAT": latest answer per room; csat_pct and response_rate are percentages 0-100, null over nothing (core/wire/metrics.ts). */
export type { Csat };

export const emptyCsat = (): Csat => ({ responses: 0, avg_score: null, csat_pct: null, scores: fixedKeys(SCORES, undefined), response_rate: null, requested: 0 });

interface Raw {
  bucket: number;
  grp: string;
  /** 1-5: answers with that score; 0: rooms asked */
  score: number;
  n: number;
}

export async function csatRows(db: Db, f: MetricFilters, shape: Shape = {}): Promise<Array<Row<Csat>>> {
  const rows = await runMetricSql<Raw>(db, 'csat.sql', f, shape);
  const out = new Map<string, Row<Csat>>();
  for (const r of rows) {
    const id = `${r.bucket}\u0000${r.grp}`;
    let row = out.get(id);
    if (!row) out.set(id, (row = { bucket: r.bucket, key: groupKey(shape, r.grp), value: emptyCsat() }));
    if (r.score === 0) row.value.requested += r.n;
    else row.value.scores[String(r.score) as (typeof SCORES)[number]] += r.n;
  }
  for (const { value: c } of out.values()) {
    const n = SCORES.reduce((a, k) => a + c.scores[k], 0);
    c.responses = n;
    c.avg_score = n ? SCORES.reduce((a, k) => a + Number(k) * c.scores[k], 0) / n : null;
    c.csat_pct = n ? (100 * (c.scores['4'] + c.scores['5'])) / n : null;
    c.response_rate = c.requested ? (100 * n) / c.requested : null;
  }
  return [...out.values()];
}
