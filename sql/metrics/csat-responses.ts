import type { Db } from '../db.ts';
import { decodeCursor, encodeCursor, isSafeInt } from './cursor.ts';
import { BadCursorError } from './rooms.ts';
import { accountRooms, mapRows, SORTED_ROOMS_MAX, streamMetricSql, type StreamRows } from './stream.ts';
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

/** A row of csat-responses.sql. */
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
  const rows = await runMetricSql<Raw>(db, 'csat-responses.sql', f, {}, { params, fragments: { after, order: 'at_ms DESC, room_id DESC', limit: 'LIMIT {limit:UInt32}' } });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    responses: page.map(toCsatResponse),
    next: rows.length > limit && last ? encodeCursor({ t: last.at_ms, r: last.room_id }) : null,
  };
}

/** The one row mapper of csat-responses.sql: the list's pages and the export's rows. */
function toCsatResponse(r: Raw): CsatResponse {
  return {
    room_id: r.room_id,
    submitted_at: r.at_ms,
    score: r.csat_score,
    comment: r.csat_comment || null,
    agent_id: r.csat_agent || null,
    channel: r.channel || null,
    contact_id: r.contact || null,
  };
}

/**
 * Every answer of listCsatResponses's filters, all pages, streamed (the CSAT export):
 * oldest first, or by room id for the biggest accounts (`sorted` false). The query runs
 * before this returns, so an error comes before a file is begun.
 */
export async function streamCsatResponses(db: Db, f: MetricFilters): Promise<{ rows: StreamRows<CsatResponse>; sorted: boolean }> {
  // Answers are a fraction of the rooms: sorting them stays cheap up to 4x the rooms' limit.
  const sorted = (await accountRooms(db, f.account)) <= 4 * SORTED_ROOMS_MAX;
  const raw = await streamMetricSql<Raw>(db, 'csat-responses.sql', f, { after: '1', order: sorted ? 'at_ms, room_id' : 'room_id', limit: '' }, { max_score: 0 });
  return { rows: mapRows(raw, toCsatResponse), sorted };
}
