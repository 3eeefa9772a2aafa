import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { DEFAULT_TIMEZONE } from '../account.ts';

/**
 * Keeps billing_items (an account's conversations and visitors) equal to what
 * items.sql derives from the stored messages, and lets billing reads run on it.
 *
 * Why derived items and not one query over the messages: the exact per-contact fold
 * over the biggest account's 2.3M messages takes 5-13 s on this 2-core machine, while
 * the same numbers from the derived items take ~50 ms (see README, "Billing").
 *
 * Exactness: before every read, `fresh()` compares the account's stored message rows
 * (billing_account_rows, kept by a view) with the rows the current derivation read. If
 * they differ, the contacts whose counts differ are re-derived from all their messages,
 * so the items are always a pure function of the stored messages, whatever the arrival
 * order. A time zone change (new latest plan) re-derives the whole account, since months
 * are cut in it.
 *
 * Concurrency: one process owns an embedded store (chDB), so a per-account read/write
 * lock in memory is enough: a re-derivation (tombstones, then new items) never runs
 * while a read of the same account is between its queries.
 */

/** Re-derive the whole account rather than list more changed contacts than this. */
const MAX_DIRTY = 20_000;

export interface Fresh {
  /** The account's time zone; the derivation's months are cut in it. */
  tz: string;
}

const SQL = {
  state: loadSql(import.meta.url, 'sync-state.sql'),
  dirty: loadSql(import.meta.url, 'sync-dirty.sql'),
  total: loadSql(import.meta.url, 'sync-total.sql'),
  tombstones: loadSql(import.meta.url, 'tombstones.sql'),
  items: loadSql(import.meta.url, 'items.sql'),
};

/** Runs `fn` on an up-to-date derivation of `account`, with no re-derivation of it in between. */
export async function withItems<T>(db: Db, account: string, fn: (f: Fresh) => Promise<T>): Promise<T> {
  const lock = lockOf(db, account);
  let refreshed = false;
  for (;;) {
    const st = await lock.read(async () => {
      const s = await state(db, account);
      // After one re-derivation the read goes ahead even if more messages arrived
      // meanwhile: it then reflects every event stored before the request came in.
      const go = s.current || (refreshed && !s.full);
      return go ? { ok: true as const, value: await fn({ tz: s.tz }) } : { ok: false as const };
    });
    if (st.ok) return st.value;
    await lock.write(() => refresh(db, account));
    refreshed = true;
  }
}

/** Brings the derivation of `account` up to date now (ingestion calls it for alerting accounts). */
export async function sync(db: Db, account: string): Promise<void> {
  const s = await state(db, account);
  if (!s.current) await lockOf(db, account).write(() => refresh(db, account));
}

interface State {
  current: boolean;
  tz: string;
  stored: number;
  full: boolean;
}

async function state(db: Db, account: string): Promise<State> {
  const [r] = await db.query<{ stored_rows: string; plan_tz: string; synced: string; synced_rows: string; synced_tz: string }>(SQL.state, { account });
  const tz = r.plan_tz || DEFAULT_TIMEZONE;
  const stored = Number(r.stored_rows);
  if (stored === 0) return { current: true, tz, stored, full: false };
  const synced = Number(r.synced) > 0;
  const full = !synced || r.synced_tz !== tz;
  return { current: !full && Number(r.synced_rows) === stored, tz, stored, full };
}

/** Re-derives what changed; called with the account's write lock held. */
async function refresh(db: Db, account: string): Promise<void> {
  const s = await state(db, account);
  if (s.current) return;
  let full = s.full;
  let ch: string[] = [];
  let ct: string[] = [];
  if (!full) {
    const dirty = await db.query<{ channel: string; contact_id: string }>(SQL.dirty, { account, limit: MAX_DIRTY + 1 });
    if (dirty.length > MAX_DIRTY) full = true;
    else {
      ch = dirty.map((d) => d.channel);
      ct = dirty.map((d) => d.contact_id);
    }
  }
  if (full || ch.length) {
    const params = { account, tz: s.tz, all: full ? 1 : 0, ch, ct };
    await db.command(SQL.tombstones, { ...params, version: nextVersion() });
    await db.command(SQL.items, { ...params, version: nextVersion() });
  }
  // The total the markers now describe; if messages are still arriving it can differ
  // from what `state` saw, and the next read simply looks again.
  const [t] = await db.query<{ rows: string }>(SQL.total, { account });
  await db.command(
    'INSERT INTO billing_sync_accounts VALUES ({account:String}, {tz:String}, {rows:UInt64}, {version:UInt64})',
    { account, tz: s.tz, rows: Number(t?.rows ?? 0), version: nextVersion() },
  );
}

let lastVersion = 0;
/** Strictly increasing across calls and (clock permitting) across restarts: microseconds. */
function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

/** A read/write lock that lets a waiting writer go before readers that came after it. */
class RwLock {
  private readers = 0;
  private writing = false;
  private queue: Array<{ write: boolean; go: () => void }> = [];

  async read<T>(fn: () => Promise<T>): Promise<T> {
    if (this.writing || this.queue.length) await new Promise<void>((go) => this.queue.push({ write: false, go }));
    else this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      this.next();
    }
  }

  async write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.writing || this.readers || this.queue.length) await new Promise<void>((go) => this.queue.push({ write: true, go }));
    else this.writing = true;
    try {
      return await fn();
    } finally {
      this.writing = false;
      this.next();
    }
  }

  private next(): void {
    while (this.queue.length && !this.writing) {
      const head = this.queue[0];
      if (head.write) {
        if (this.readers) return;
        this.queue.shift();
        this.writing = true;
        head.go();
        return;
      }
      this.queue.shift();
      this.readers++;
      head.go();
    }
  }
}

const locks = new WeakMap<Db, Map<string, RwLock>>();
function lockOf(db: Db, account: string): RwLock {
  let m = locks.get(db);
  if (!m) locks.set(db, (m = new Map()));
  let l = m.get(account);
  if (!l) m.set(account, (l = new RwLock()));
  return l;
}
