import type { Db } from '../db.ts';
import { decodeCursor, encodeCursor, isSafeInt } from './cursor.ts';
import { chTime, runMetricSql } from './query.ts';
import { expiredScope } from './expired.ts';
import { EXPIRED_TEST } from './fragments.ts';
import { accountRooms, mapRows, SORTED_ROOMS_MAX, streamMetricSql, type StreamRows } from './stream.ts';
import type { MetricFilters } from './types.ts';

/** Sort columns of the drill-down; '-' in front sorts descending. Rooms without a value come last either way. */
export const ROOM_SORTS = ['started_at', 'resolved_at', 'response_s', 'first_response_s', 'csat_score'] as const;
export type RoomSort = (typeof ROOM_SORTS)[number] | `-${(typeof ROOM_SORTS)[number]}`;
export const ROOM_SORT_VALUES = ROOM_SORTS.flatMap((s) => [s, `-${s}`]) as RoomSort[];

/** The whitelist: sort name -> Int64 expression over room_facts (ms or score). */
const SORT_KEY: Record<(typeof ROOM_SORTS)[number], string> = {
  started_at: 'toUnixTimestamp64Milli(start_at)',
  resolved_at: 'toUnixTimestamp64Milli(resolved_at)',
  response_s: 'response_ms',
  first_response_s: 'first_response_ms',
  csat_score: 'nullIf(csat_score, 0)',
};

export interface RoomListOptions {
  sort?: RoomSort;
  /** Page size, 1-500. */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
  /** Only rooms with a response time of at least this many seconds. */
  minResponseS?: number;
  /** Only rooms whose CSAT score is at most this (1-5). */
  maxCsat?: number;
  /** Only rooms whose CSAT score is at least this (1-5); with maxCsat equal, exactly that score. */
  minCsat?: number;
  /** Only resolved (true) or unresolved (false) rooms. */
  resolved?: boolean;
  /** Only rooms with an agent (true) or with none (false): the agent that resolved it, else the last assigned. */
  assigned?: boolean;
  /** Only this room, whenever it started (the window is not applied): a link to one room's row. */
  roomId?: string;
  /** Only rooms whose customer window closed unanswered in [from, to) (expired.sql's test), whenever they started. */
  expired?: boolean;
  /** Only rooms breaching a service level (sla.sql's rule), judged at `until` (unix ms, min(to, now)). */
  slaBreached?: { first_response_s: number | null; resolution_s: number | null; until: number };
}

/** One room of the drill-down as the store gives it (api/routes/rooms.ts writes its times as RFC 3339). Times are unix ms, durations seconds (ms kept); null where the room has none. */
export interface RoomRecord {
  room_id: string;
  started_at: number;
  channel: string | null;
  contact_id: string | null;
  origin: string;
  agent_id: string | null;
  first_assigned_at: number | null;
  first_response_s: number | null;
  resolved_at: number | null;
  response_s: number | null;
  csat_score: number | null;
  csat_comment: string | null;
}

interface PageRaw {
  room_id: string;
  sort_key: number | null;
  sort_null: number;
  /** Rooms of the filters in all (a JSON number: QUERY_SETTINGS). */
  total: number;
}

/** A row of rooms.sql. */
interface Raw {
  room_id: string;
  started_ms: number;
  channel: string;
  contact: string;
  origin: string;
  agent: string;
  assigned_ms: number | null;
  first_response_ms: number | null;
  resolved_ms: number | null;
  response_ms: number | null;
  csat_score: number;
  csat_comment: string;
}

export class BadCursorError extends Error {}

/** The one row mapper of rooms.sql: the drill-down's pages and the export's rows. */
function toRoomRecord(r: Raw): RoomRecord {
  return {
    room_id: r.room_id,
    started_at: r.started_ms,
    channel: r.channel || null,
    contact_id: r.contact || null,
    origin: r.origin,
    agent_id: r.agent || null,
    first_assigned_at: r.assigned_ms,
    first_response_s: r.first_response_ms === null ? null : r.first_response_ms / 1000,
    resolved_at: r.resolved_ms,
    response_s: r.response_ms === null ? null : r.response_ms / 1000,
    csat_score: r.csat_score || null,
    csat_comment: r.csat_score ? r.csat_comment : null,
  };
}

const PAGE = { page: 'room_id IN (SELECT arrayJoin({ids:Array(String)}))', order: '' };

/**
 * Every room of listRooms's filters, all pages, streamed (the rooms export): by start
 * time, or by room id for accounts of more than SORTED_ROOMS_MAX rooms (`sorted` false).
 * The query runs before this returns, so an error comes before a file is begun.
 */
export async function streamRooms(db: Db, f: MetricFilters): Promise<{ rows: StreamRows<RoomRecord>; sorted: boolean }> {
  const sorted = (await accountRooms(db, f.account)) <= SORTED_ROOMS_MAX;
  const raw = await streamMetricSql<Raw>(db, 'rooms.sql', f, { page: '1', order: `ORDER BY ${sorted ? 'start_at, room_id' : 'room_id'}` });
  return { rows: mapRows(raw, toRoomRecord), sorted };
}

/**
 * Rooms started in [from, to), one row each, with the filters, sorted and paged. `next`
 * is the cursor of the following page, null on the last. Throws BadCursorError for a
 * cursor that is damaged or was made for another sort.
 */
export async function listRooms(db: Db, f: MetricFilters, o: RoomListOptions = {}): Promise<{ rooms: RoomRecord[]; next: string | null; total: number | null }> {
  const sort = o.sort ?? '-started_at';
  const desc = sort.startsWith('-');
  const column = (desc ? sort.slice(1) : sort) as (typeof ROOM_SORTS)[number];
  const limit = Math.min(Math.max(o.limit ?? 50, 1), 500);
  let after = '1';
  const params: Record<string, unknown> = {
    min_response_ms: o.minResponseS === undefined ? -1 : Math.ceil(o.minResponseS * 1000),
    max_csat: o.maxCsat ?? 0,
    min_csat: o.minCsat ?? 0,
    resolved: o.resolved === undefined ? -1 : o.resolved ? 1 : 0,
    assigned: o.assigned === undefined ? -1 : o.assigned ? 1 : 0,
    sla_breached: o.slaBreached ? 1 : 0,
    fr_ms: o.slaBreached?.first_response_s == null ? -1 : Math.floor(o.slaBreached.first_response_s * 1000),
    res_ms: o.slaBreached?.resolution_s == null ? -1 : Math.floor(o.slaBreached.resolution_s * 1000),
    ...(o.slaBreached ? { until: chTime(o.slaBreached.until) } : {}),
    limit: limit + 1,
  };
  if (o.cursor !== undefined) {
    const c = decodeCursor(o.cursor);
    if (!c || c.s !== sort || (c.n !== 0 && c.n !== 1) || !isSafeInt(c.k) || typeof c.r !== 'string') throw new BadCursorError('cursor is damaged or was made for another sort');
    after = '(sort_null, ifNull(sort_key, 0), room_id) > ({c_null:UInt8}, {c_key:Int64}, {c_room:String})';
    Object.assign(params, { c_null: c.n, c_key: c.k, c_room: c.r });
  }
  const sortKey = `${desc ? '-' : ''}toInt64(${SORT_KEY[column]})`;
  // Step 1 picks the page from cheap columns; step 2 reads the page's rooms in full by key.
  const one: Record<string, string> = o.roomId === undefined ? {} : { window: 'room_id = {room:String}' };
  if (o.roomId !== undefined) params.room = o.roomId;
  // Expired windows: rooms with a window closed unanswered in [from, to) (expired.sql's
  // test), read over the window widened 24 h back.
  if (o.expired) {
    const scope = expiredScope(f);
    f = scope.wide;
    Object.assign(params, scope.params);
    one.window = `${EXPIRED_TEST}${o.roomId === undefined ? '' : ' AND room_id = {room:String}'}`;
  }
  const keys = await runMetricSql<PageRaw>(db, 'rooms-page.sql', f, {}, { params, fragments: { sort_key: sortKey, after, ...one } });
  const onPage = keys.slice(0, limit);
  const last = onPage[onPage.length - 1];
  const next = keys.length > limit && last ? encodeCursor({ s: sort, n: last.sort_null, k: last.sort_key ?? 0, r: last.room_id }) : null;
  const full = onPage.length ? await runMetricSql<Raw>(db, 'rooms.sql', f, {}, { params: { ids: onPage.map((k) => k.room_id), ...(o.roomId === undefined ? {} : { room: o.roomId }), ...(o.expired ? { close_lo: params.close_lo } : {}) }, fragments: { ...PAGE, ...one } }) : [];
  const byId = new Map(full.map((r) => [r.room_id, r]));
  const page = onPage.map((k) => byId.get(k.room_id)!).filter(Boolean);
  return {
    rooms: page.map(toRoomRecord),
    next,
    // Every page carries the count; a cursor past the last room reads no row to carry it.
    total: keys.length ? Number(keys[0].total) : o.cursor === undefined ? 0 : null,
  };
}
