import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { NEVER, pageRows, type Seg } from './derive.ts';
import { smallRows } from './small.ts';

/**
 * Where the re-derivation of each changed contact starts (sync.ts then tombstones and
 * derives accordingly), so that only what follows a contact's first changed message is
 * derived again, within a page:
 * - a contact of fewer than smallRows() stored messages is derived again whole, with
 *   others, by the SQL fold (small.ts);
 * - a bigger one resumes after its last segment whose messages are unchanged (derive.ts):
 *   the segment counts of stored messages say which. New messages after the last segment
 *   (the common case) cost one index read of the tail; a late message in the middle
 *   re-derives from its segment on. Its last segment is re-derived too while it is
 *   short of pageRows(), so segments stay about a page long. Without a directory (it
 *   was small until now) it starts from scratch.
 * A directory that does not account for the contact's stored rows exactly (a crash
 * between two writes) sends the contact back to scratch.
 */

export interface Plan {
  /** segment markers to tombstone (with their items), as (end ms, marker id); a marker of items.sql is at end 0 */
  ends: number[];
  ids: string[];
  /** contacts for the SQL fold, with their stored rows */
  small: Array<{ ch: string; ct: string; rows: number }>;
  /** contacts derived in pages from scratch */
  fresh: { ch: string[]; ct: string[] };
  /** contacts resumed after their kept segments */
  resume: Array<{ ch: string; ct: string; kept: Seg[] }>;
}

const SQL = {
  dirs: loadSql(import.meta.url, 'dirs.sql'),
  markers: loadSql(import.meta.url, 'markers.sql'),
  counts: loadSql(import.meta.url, 'segment-counts.sql'),
  stored: loadSql(import.meta.url, 'stored-rows.sql'),
};

type SegRow = [string, string, string, string, string];

const split = (m: string) => ({ ch: m.slice(0, m.indexOf(':')), ct: m.slice(m.indexOf(':') + 1) });

/** The plan for the contacts with these marker ids ('channel:contact_id'). */
export async function plan(db: Db, account: string, markers: string[]): Promise<Plan> {
  const p: Plan = { ends: [], ids: [], small: [], fresh: { ch: [], ct: [] }, resume: [] };
  /** a contact's segments; for a marker of items.sql, its one whole segment at end 0 */
  const dirs = new Map<string, Seg[]>();
  for (const r of await db.query<{ id: string; rows: string; segs: SegRow[] }>(SQL.dirs, { account, ids: markers })) {
    const segs = r.segs.map(([end, rows, open, lastIn, lastInMonth]) => ({ end: Number(end), rows: Number(rows), open: Number(open), lastIn: Number(lastIn), lastInMonth }));
    dirs.set(r.id, Number(r.rows) > 0 ? [{ end: 0, rows: Number(r.rows), open: NEVER, lastIn: NEVER, lastInMonth: '' }] : segs);
  }
  const contacts = markers.map(split);
  const stored = new Map<string, number>();
  for (const r of await db.query<{ ch: string; ct: string; n: string }>(SQL.stored, { account, ch: contacts.map((c) => c.ch), ct: contacts.map((c) => c.ct) })) {
    stored.set(`${r.ch}:${r.ct}`, Number(r.n));
  }
  const big = markers.filter((m) => (stored.get(m) ?? 0) >= smallRows());
  const paged = big.filter((m) => (dirs.get(m) ?? []).some((s) => s.end > 0));
  const live = await liveMarkers(db, account, paged, dirs);
  for (const m of markers) {
    const segs = dirs.get(m) ?? [];
    const { ch, ct } = split(m);
    const k = paged.includes(m) ? await kept(db, account, m, segs, live, stored.get(m) ?? 0) : 0;
    for (const s of segs.slice(k)) {
      p.ends.push(s.end);
      p.ids.push(m);
    }
    if (!big.includes(m)) p.small.push({ ch, ct, rows: stored.get(m) ?? 0 });
    else if (k === 0) {
      p.fresh.ch.push(ch);
      p.fresh.ct.push(ct);
    } else p.resume.push({ ch, ct, kept: segs.slice(0, k) });
  }
  return p;
}

/** How many leading segments of a big contact stay as they are (0: derive it from scratch). */
async function kept(db: Db, account: string, m: string, segs: Seg[], live: Set<string>, stored: number): Promise<number> {
  if (!segs.every((s) => live.has(`${s.end}:${s.rows}:${m}`))) return 0;
  const { ch, ct } = split(m);
  const last = segs[segs.length - 1];
  const derived = segs.reduce((a, s) => a + s.rows, 0);
  const [{ n }] = await db.query<{ n: string }>(
    "SELECT count() AS n FROM billing_messages WHERE account_id = {account:String} AND channel = {ch:String} AND contact_id = {ct:String} AND occurred_at > fromUnixTimestamp64Milli({end:Int64}, 'UTC')",
    { account, ch, ct, end: last.end },
  );
  // Every new row is after the last segment: all segments still hold what they read.
  if (Number(n) === stored - derived) return last.rows < pageRows() ? segs.length - 1 : segs.length;
  const bounds = [NEVER, ...segs.map((s) => s.end)];
  const counted = new Map((await db.query<{ after: string; n: string }>(SQL.counts, { account, ch, ct, bounds })).map((r) => [Number(r.after), Number(r.n)]));
  const now = segs.map((_, i) => counted.get(bounds[i]) ?? 0);
  const tail = counted.get(last.end) ?? 0;
  // Rows only ever get added, so a segment holding a new row has more than it read.
  if (now.some((c, i) => c < segs[i].rows) || tail + now.reduce((a, c) => a + c, 0) !== stored) return 0;
  const changed = segs.findIndex((s, i) => now[i] !== s.rows);
  return changed === -1 ? segs.length : changed;
}

/** The live (end, rows, marker id) triples among the big contacts' directory entries. */
async function liveMarkers(db: Db, account: string, big: string[], dirs: Map<string, Seg[]>): Promise<Set<string>> {
  const ends: number[] = [];
  const ids: string[] = [];
  for (const m of big) {
    for (const s of dirs.get(m)!) {
      ends.push(s.end);
      ids.push(m);
    }
  }
  if (!ids.length) return new Set();
  const rows = await db.query<{ id: string; end_ms: string; rows: string }>(SQL.markers, { account, ends, ids });
  return new Set(rows.map((r) => `${r.end_ms}:${r.rows}:${r.id}`));
}
