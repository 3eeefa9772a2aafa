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

/** First and last event of an account, or null for an account without events. */
export async function accountSpan(db: Db, account: string): Promise<{ first: string; last: string } | null> {
  const rows = await db.query<{ first: string; last: string }>(
    'SELECT min(first_event_at) AS first, max(last_event_at) AS last FROM accounts WHERE account_id = {account:String} GROUP BY account_id',
    { account },
  );
  return rows[0] ?? null;
}
