import type { Db } from '../db.ts';
import { decodeCursor, encodeCursor, isSafeInt } from './cursor.ts';
import { BadCursorError } from './rooms.ts';
import { runMetricSql } from './query.ts';
import type { MetricFilters } from './types.ts';

/** One CSAT answer: the latest of its room, as the CSAT numbers count it. `submitted_at` unix ms. */
export interface CsatResponse {
  room_id: string;
  submitted_at: number;
  score: number;
  comment: string | null;
  agent_id: string | null;
  channel: string | null;
  contact_id: string | null;
}

interface Raw {
  room_id: string;
  at_ms: number;
  csat_score: number;
  csat_comment: string;
  csat_agent: string;
  channel: string;
  contact: string;
}

/** CSAT answers in [from, to), newest first, paged (`next` null on the last page); `maxScore` keeps scores at most that. */
export async function listCsatResponses(
  db: Db,
  f: MetricFilters,
  o: { limit?: number; cursor?: string; maxScore?: number } = {},
): Promise<{ responses: CsatResponse[]; next: string | null }> {
  const limit = Math.min(Math.max(o.limit ?? 50, 1), 500);
  const params: Record<string, unknown> = { max_score: o.maxScore ?? 0, limit: limit + 1 };
  let after = '1';
  if (o.cursor !== undefined) {
    const c = decodeCursor(o.cursor);
    if (!c || !isSafeInt(c.t) || typeof c.r !== 'string') throw new BadCursorError('cursor is damaged');
    after = '(at_ms, room_id) < ({c_at:Int64}, {c_room:String})';
    Object.assign(params, { c_at: c.t, c_room: c.r });
  }
  const rows = await runMetricSql<Raw>(db, 'csat-responses.sql', f, {}, { params, fragments: { after } });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    responses: page.map((r) => ({
      room_id: r.room_id,
      submitted_at: r.at_ms,
      score: r.csat_score,
      comment: r.csat_comment || null,
      agent_id: r.csat_agent || null,
      channel: r.channel || null,
      contact_id: r.contact || null,
    })),
    next: rows.length > limit && last ? encodeCursor({ t: last.at_ms, r: last.room_id }) : null,
  };
}
