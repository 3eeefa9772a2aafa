import { requestMemo, type Db } from './db.ts';
import { loadSql } from './load.ts';

export const DEFAULT_TIMEZONE = 'Asia/Jakarta';

/**
 * The account's time zone (SPEC): that of its latest plan, Asia/Jakarta without one. A plan
 * is an event, so the zone changes only with the account's data version: it is kept per
 * version and asked again when the version moves (or while the account has none).
 */
export async function accountTimezone(db: Db, account: string): Promise<string> {
  const version = await accountVersion(db, account);
  const zones = readerOf(db).zones;
  const kept = zones.get(account);
  if (kept && kept.version === version && version !== NO_VERSION) return kept.tz;
  const rows = await db.query<{ tz: string }>(
    "SELECT argMax(timezone, (occurred_at, id)) AS tz FROM plans WHERE account_id = {account:String} GROUP BY account_id",
    { account },
  );
  const tz = rows[0]?.tz || DEFAULT_TIMEZONE;
  if (zones.size >= 10_000) zones.clear();
  zones.set(account, { version, tz });
  return tz;
}

/** True when no event is stored yet (the first start, which loads the demo). */
export async function storeIsEmpty(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: string }>('SELECT count() AS n FROM events');
  return Number(rows[0].n) === 0;
}

const VERSIONS_SQL = loadSql(import.meta.url, 'account-versions.sql');
/** The version of an account with no batch since migration 032. */
const NO_VERSION = '0:0';

/**
 * The account's data version: changes with every stored batch of its events, on every
 * instance sharing the store (migration 032). A cached answer keyed by it is never staler
 * than the events acknowledged before this call: the answer comes from a store read that
 * started after the call.
 *
 * Concurrent calls share reads: while one read runs, the accounts asked for meanwhile wait
 * for the next, which asks for all of them in one query. Under 50 connections of cached
 * answers this is one query per round instead of one per request, and a request asks once.
 */
export function accountVersion(db: Db, account: string): Promise<string> {
  // Within one admitted request (sql/db.ts) the account's version is read once: the time
  // zone and the read cache both ask for it, and a read started after the request came in
  // is fresh for all of it.
  const memo = requestMemo();
  const key = `version\u0000${account}`;
  const kept = memo?.get(key) as Promise<string> | undefined;
  if (kept) return kept;
  const v = readerOf(db).version(account);
  memo?.set(key, v);
  return v;
}

class VersionReader {
  /** Time zones kept per account at the version they were read (accountTimezone). */
  readonly zones = new Map<string, { version: string; tz: string }>();
  private waiting = new Map<string, Array<{ resolve: (v: string) => void; reject: (e: unknown) => void }>>();
  private running = false;
  /** Store reads so far, for the tests. */
  reads = 0;

  constructor(private readonly db: Db) {}

  version(account: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(account);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(account, [{ resolve, reject }]);
      if (!this.running) void this.run();
    });
  }

  /** One read at a time, each for every account asked for before it started. */
  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.size) {
        const round = this.waiting;
        this.waiting = new Map();
        this.reads++;
        try {
          const rows = await this.db.query<{ account_id: string; v: string }>(VERSIONS_SQL, { accounts: [...round.keys()] });
          const found = new Map(rows.map((r) => [r.account_id, r.v]));
          for (const [account, list] of round) for (const w of list) w.resolve(found.get(account) ?? NO_VERSION);
        } catch (err) {
          for (const list of round.values()) for (const w of list) w.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

const readers = new WeakMap<Db, VersionReader>();
/** The version reader of one store handle (its shared reads and kept zones). */
export function readerOf(db: Db): VersionReader {
  let r = readers.get(db);
  if (!r) readers.set(db, (r = new VersionReader(db)));
  return r;
}
