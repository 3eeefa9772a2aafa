import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { safeInt } from './money.ts';
import { rfc3339In } from '../../core/time.ts';
import type { Transactions } from '../../core/wire/billing.ts';

export type { Transactions };

const SQL = loadSql(import.meta.url, 'transactions.sql');

/**
 * Every top-up and adjustment of [fromMs, toMs), one row each with its reference (top-ups)
 * or reason (adjustments), in time order: the money in behind the ledger's sums.
 */
export async function transactions(db: Db, account: string, tz: string, fromMs: number, toMs: number, page: { limit: number; offset: number }): Promise<Transactions> {
  const rows = await db.query<Record<string, string | number>>(SQL, { account, lo_ms: fromMs, hi_ms: toMs, limit: page.limit, offset: page.offset });
  let total = rows.length ? Number(rows[0].total) : 0;
  // A page past the end has no row to carry the count: it is asked for once more.
  if (!rows.length && page.offset > 0) {
    const first = await db.query<{ total: string }>(SQL, { account, lo_ms: fromMs, hi_ms: toMs, limit: 1, offset: 0 });
    total = first.length ? Number(first[0].total) : 0;
  }
  return {
    from: rfc3339In(tz, fromMs),
    to: rfc3339In(tz, toMs),
    currency: 'IDR',
    total,
    offset: page.offset,
    next_offset: page.offset + rows.length < total && rows.length ? page.offset + rows.length : null,
    transactions: rows.map((r) => ({
      id: String(r.id),
      type: r.kind === 'topup' ? ('topup' as const) : ('adjustment' as const),
      occurred_at: rfc3339In(tz, Number(r.ms)),
      amount: safeInt(r.amount),
      reference: r.kind === 'topup' ? String(r.reference) || null : null,
      reason: r.kind === 'topup' ? null : String(r.reason) || null,
    })),
  };
}
