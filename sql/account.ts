import type { Db } from './db.ts';

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
