import type { Db } from './db.ts';
import { loadSql } from './load.ts';

/**
 * Reads over every account, for admin keys only (the routes check the key): the operator's
 * checks of the store (the soak test and `npm run soak` compare them with a source file)
 * and the accounts the dashboard lets an admin switch between.
 */
const SQL = {
  checksum: loadSql(import.meta.url, 'admin-checksum.sql'),
  accountChecksum: loadSql(import.meta.url, 'admin-account-checksum.sql'),
  accounts: loadSql(import.meta.url, 'admin-accounts.sql'),
};

export async function storeChecksum(db: Db): Promise<{ events: number; distinct: number }> {
  const [r] = await db.query<{ events: string; distinct: string }>(SQL.checksum);
  return { events: Number(r.events), distinct: Number(r.distinct) };
}

/** `crc32_sum` stays a decimal string: a sum of many CRC32s passes 2^53. */
export async function accountChecksum(db: Db, account: string): Promise<{ events: number; crc32_sum: string }> {
  const [r] = await db.query<{ events: string; crc32_sum: string }>(SQL.accountChecksum, { account });
  return { events: Number(r.events), crc32_sum: r.crc32_sum };
}

/** At most 10,000, in id order. */
export async function knownAccounts(db: Db): Promise<string[]> {
  const rows = await db.query<{ account_id: string }>(SQL.accounts);
  return rows.map((r) => r.account_id);
}

/** True when the account has events or a live key: one an admin can open (knownAccounts lists them). */
export async function accountKnown(db: Db, account: string): Promise<boolean> {
  return (await knownAccounts(db)).includes(account);
}
