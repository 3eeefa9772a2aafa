import type { Db } from './db.ts';
import { refreshRoomsSince } from './metrics/room-facts-refresh.ts';

/**
 * After a crash, feeds the most recent insert batches of `events` again through every
 * materialized view that reads `events`.
 *
 * Why: ClickHouse commits an insert's part of `events` and the parts of its views one
 * after another, not atomically. A process killed in between keeps the events (a retry
 * then finds them stored and drops them as duplicates) while a state table misses them.
 * Only batches in flight at the crash can be affected; every insert stamps its rows with
 * one `ingested_at`, so the last few distinct stamps cover them.
 *
 * Their rooms' room_day_facts rows are then rewritten (the ingestor writes them after
 * each batch, so a crash can leave those short as well).
 *
 * Safe because every view target tolerates seeing an event twice: state tables hold
 * idempotent aggregates (min, max, argMax, groupUniqArray), copies are ReplacingMergeTree
 * or read deduplicated by id (see the migrations). Views that read other tables (chained
 * views) fire by themselves when their source receives the replayed rows.
 */
export async function replayRecentBatches(db: Db, batches = 64): Promise<{ events: number; views: string[] }> {
  const [{ since, n }] = await db.query<{ since: string; n: string }>(
    `SELECT toString(min(t)) AS since, count() AS n FROM (SELECT DISTINCT ingested_at AS t FROM events ORDER BY t DESC LIMIT {batches:UInt32})`,
    { batches },
  );
  if (Number(n) === 0) return { events: 0, views: [] };
  const views = await db.query<{ name: string; as_select: string; create_table_query: string }>(
    "SELECT name, as_select, create_table_query FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name",
  );
  const source = /\bFROM\s+(?:`?\w+`?\.)?`?events`?(?=[\s)]|$)/;
  const done: string[] = [];
  for (const v of views) {
    if (!source.test(v.as_select)) continue;
    const target = /\bTO\s+((?:`?\w+`?\.)?`?\w+`?)/.exec(v.create_table_query)?.[1];
    if (!target) continue;
    const cols = await db.query<{ name: string }>(
      'SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {t:String} ORDER BY position',
      { t: v.name },
    );
    const select = v.as_select.replace(source, "FROM (SELECT * FROM events WHERE ingested_at >= toDateTime64({since:String}, 3, 'UTC')) AS events");
    await db.command(`INSERT INTO ${target} (${cols.map((c) => `\`${c.name}\``).join(', ')}) ${select}`, { since });
    done.push(v.name);
  }
  // room_day_facts is written after each batch, not by a view: the same batches' rooms.
  await refreshRoomsSince(db, since);
  const [{ events }] = await db.query<{ events: string }>(
    "SELECT count() AS events FROM events WHERE ingested_at >= toDateTime64({since:String}, 3, 'UTC')",
    { since },
  );
  return { events: Number(events), views: done };
}
