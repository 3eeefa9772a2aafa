import type { Db } from '../db.ts';
import { groupKey, runMetricSql } from './query.ts';
import { fixedKeys, type MetricFilters, type Row, type Shape } from './types.ts';

const SCORES = ['1', '2', '3', '4', '5'] as const;

/** SPEC "CSAT": latest answer per room; csat_pct and response_rate are percentages 0-100, null over nothing. */
export interface Csat {
  responses: number;
  avg_score: number | null;
  csat_pct: number | null;
  scores: Record<(typeof SCORES)[number], number>;
  response_rate: number | null;
  /** Rooms with a csat.requested in the window: the response rate's denominator. */
  requested: number;
}

export const emptyCsat = (): Csat => ({ responses: 0, avg_score: null, csat_pct: null, scores: fixedKeys(SCORES, undefined), response_rate: null, requested: 0 });

interface Raw {
  bucket: number;
  grp: string;
  responses: number;
  avg_score: number;
  satisfied: number;
  scores: Record<string, number>;
  requested: number;
}

export async function csatRows(db: Db, f: MetricFilters, shape: Shape = {}): Promise<Array<Row<Csat>>> {
  const rows = await runMetricSql<Raw>(db, 'csat.sql', f, shape);
  return rows.map((r) => ({
    bucket: r.bucket,
    key: groupKey(shape, r.grp),
    value: {
      responses: r.responses,
      avg_score: r.responses ? r.avg_score : null,
      csat_pct: r.responses ? (100 * r.satisfied) / r.responses : null,
      scores: fixedKeys(SCORES, r.scores),
      response_rate: r.requested ? (100 * r.responses) / r.requested : null,
      requested: r.requested,
    },
  }));
}

export async function csat(db: Db, f: MetricFilters): Promise<Csat> {
  return (await csatRows(db, f))[0]?.value ?? emptyCsat();
}
