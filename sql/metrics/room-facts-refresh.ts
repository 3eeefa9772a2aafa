import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';

/** A room as a stored batch names it. */
export interface RoomRef {
  account: string;
  room: string;
}

/** Rooms per refresh query: keeps the bound arrays (and the IN sets) a few hundred KB at most. */
const ROOMS_PER_QUERY = 20_000;

/** Which rooms a refresh recomputes: fixed conditions, values only as bound parameters. */
const ROOMS = {
  listed: 'account_id IN {accounts:Array(String)} AND room_id IN {rooms:Array(String)}',
  since: "(account_id, room_id) IN (SELECT DISTINCT account_id, room_id FROM events WHERE ingested_at >= toDateTime64({since:String}, 3, 'UTC') AND room_id != '')",
  all: '1',
} as const;

const sql = (which: keyof typeof ROOMS) => loadSql(import.meta.url, 'room-facts-refresh.sql').replaceAll('{{rooms}}', ROOMS[which]);

/**
 * Rewrites room_day_facts for the rooms of a stored batch (sql/migrations/033). Runs on
 * the write connection, after the batch's events and before its answer, so an
 * acknowledged event is in every later read. Accounts and rooms go in as two arrays: a
 * room id found under another of the batch's accounts is refreshed too, which is harmless.
 */
export async function refreshRooms(db: Db, rooms: Iterable<RoomRef>): Promise<void> {
  const byAccount = new Map<string, Set<string>>();
  for (const r of rooms) {
    if (!r.room) continue;
    let s = byAccount.get(r.account);
    if (!s) byAccount.set(r.account, (s = new Set()));
    s.add(r.room);
  }
  if (!byAccount.size) return;
  const accounts = [...byAccount.keys()];
  const all = [...new Set([...byAccount.values()].flatMap((s) => [...s]))];
  for (let i = 0; i < all.length; i += ROOMS_PER_QUERY) {
    await db.write.command({ query: sql('listed'), query_params: { accounts, rooms: all.slice(i, i + ROOMS_PER_QUERY) } });
  }
}

/** Rooms with events ingested at or after `since` (a store time, "YYYY-MM-DD hh:mm:ss.mmm"): the startup replay's batches. */
export async function refreshRoomsSince(db: Db, since: string): Promise<void> {
  await db.command(sql('since'), { since });
}

/** Every room: the backfill of migration 033. */
export async function refreshAllRooms(db: Db): Promise<void> {
  await db.command(sql('all'));
}
