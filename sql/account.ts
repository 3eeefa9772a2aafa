import type { Db } from './db.ts';
import { loadSql } from './load.ts';

export const DEFAULT_TIMEZONE = 'Asia/Jakarta';

/** The account's time zone (SPEC): that of its latest plan, Asia/Jakarta without one. */
export async function accountTimezone(db: Db, account: string): Promise<string> {
  const rows = await db.query<{ tz: string }>(
    "SELECT argMax(timezone, (occurred_at, id)) AS tz FROM plans WHERE account_id = {account:String} GROUP BY account_id",
    { account },
  );
  return rows[0]?.tz || DEFAULT_TIMEZONE;
}

/** True when no event is stored yet (the first start, which loads the demo). */
export async function storeIsEmpty(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: string }>('SELECT count() AS n FROM events');
  return Number(rows[0].n) === 0;
}

const VERSION_SQL = loadSql(import.meta.url, 'account-version.sql');

/**
 * The account's data version: changes with every stored batch of its events, on every
 * instance sharing the store (migration 032). A cached answer keyed by it is never staler
 * than the events acknowledged before the version was read.
 */
export async function accountVersion(db: Db, account: string): Promise<string> {
  const rows = await db.query<{ v: string }>(VERSION_SQL, { account });
  return rows[0]?.v ?? '0:0';
}
