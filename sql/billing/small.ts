import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { pageRows } from './derive.ts';
import { tuning } from '../../core/config.ts';

/**
 * Derives small contacts with the SQL fold of items.sql, many contacts a query, each query
 * over about batchRows() messages: for contacts of a few messages this is 3-4 times faster
 * than the page fold of derive.ts (measured on 100k contacts of 10 messages: 2.5 s against
 * 10.5 s), and bounded, since no contact in it has smallRows() messages or more (the
 * SQL fold's cost grows with messages x conversations of a contact: 20 contacts of 5,000
 * messages each opening a conversation took 10.7 s for 100k messages).
 */

/** Contacts with fewer message rows than this (env BILLING_SMALL_ROWS) go to the SQL fold. */
export function smallRows(): number {
  return tuning().billingSmallRows;
}

/** Message rows a query of the SQL fold covers, about: its rows cost less than the page fold's. */
const batchRows = () => 2 * pageRows();

const SQL = {
  items: loadSql(import.meta.url, 'items.sql'),
  contacts: loadSql(import.meta.url, 'scope-contacts.sql'),
  range: loadSql(import.meta.url, 'scope-range.sql'),
  batches: loadSql(import.meta.url, 'batches.sql'),
};

/**
 * Derives every small contact of the account in key ranges of about batchRows() message
 * rows, and returns the big ones (smallRows() rows or more), which it leaves out.
 */
export async function deriveSmallAll(db: Db, account: string, tz: string, nextVersion: () => number): Promise<{ ch: string[]; ct: string[] }> {
  const cuts = await db.query<{ ch: string; ct: string; big: number }>(SQL.batches, { account, small: smallRows(), batch: batchRows() });
  const big = { ch: cuts.filter((c) => c.big).map((c) => c.ch), ct: cuts.filter((c) => c.big).map((c) => c.ct) };
  const ends = cuts.filter((c) => !c.big);
  let from = { c0: '', k0: '' };
  for (let i = 0; i <= ends.length; i++) {
    // The last range runs to the end of the account: '\u{10FFFF}' sorts after any channel name.
    const to = i < ends.length ? { c1: ends[i].ch, k1: ends[i].ct } : { c1: '\u{10FFFF}', k1: '' };
    await db.command(SQL.items.replace('/*contacts*/', SQL.range), { account, tz, version: nextVersion(), ...from, ...to, bch: big.ch, bct: big.ct });
    from = { c0: to.c1, k0: to.k1 };
  }
  return big;
}

/** Derives the listed small contacts (with their stored rows), about batchRows() message rows a query. */
export async function deriveSmall(db: Db, account: string, tz: string, contacts: Array<{ ch: string; ct: string; rows: number }>, nextVersion: () => number): Promise<void> {
  for (let i = 0; i < contacts.length; ) {
    let rows = 0;
    let j = i;
    while (j < contacts.length && (j === i || rows + contacts[j].rows <= batchRows())) rows += contacts[j++].rows;
    const batch = contacts.slice(i, j);
    await db.command(SQL.items.replace('/*contacts*/', SQL.contacts), { account, tz, version: nextVersion(), ch: batch.map((c) => c.ch), ct: batch.map((c) => c.ct) });
    i = j;
  }
}
