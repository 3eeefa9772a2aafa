import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { listedItem, type ListedItem } from './list.ts';
import { planParams } from './plans.ts';
import { quota } from './quota.ts';
import { withItems } from './sync.ts';

const SQL = loadSql(import.meta.url, 'picked.sql').replace('{{numbered}}', loadSql(import.meta.url, 'numbered.sql'));

export interface PickedPage {
  /** the account's time zone, in which the month is cut and the items' times are written */
  tz: string;
  /** the picked items with time in [lo, hi), in quota order, numbered, freed and priced as listItems does */
  items: ListedItem[];
  /** all the other items with time in [lo, hi): how many, and their charges (rupiah) */
  rest: { n: number; charge: number };
}

/**
 * One month's conversations (kind 0) or visitors (kind 1) with time in [loMs, hiMs), as
 * Billing's lists give them, but only those picked by opening message id, by (channel,
 * contact) or by category (conversations: 0 service, 1 initiated), the others summed: a campaign report reads one query a month instead of every
 * page of the month (at 10M events the biggest account-month pages ~10 times, ~800 ms).
 */
export async function pickedItems(
  db: Db,
  account: string,
  kind: 0 | 1,
  month: string,
  pick: { ids: string[]; pairs: Array<[string, string]>; category?: 0 | 1 },
  loMs: number,
  hiMs: number,
): Promise<PickedPage> {
  return withItems(db, account, async ({ tz, plans, key }) => {
    const q = await quota(db, account, tz, plans, month, month, key);
    const qm = q.months.find((x) => x.month === month)!;
    const rows = await db.query<Record<string, string | number>>(SQL, {
      account,
      kind,
      month: `${month}-01`,
      free: kind === 0 ? qm.mcc_free_used : qm.muv_free_used,
      lo: loMs,
      hi: hiMs,
      ids: pick.ids,
      chs: pick.pairs.map((p) => p[0]),
      cts: pick.pairs.map((p) => p[1]),
      cat: pick.category ?? -1,
      ...planParams(plans),
    });
    const rest = rows.find((r) => Number(r.k) === 0);
    return {
      tz,
      items: rows.filter((r) => Number(r.k) !== 0).map((r) => listedItem(r, plans)),
      rest: { n: rest ? Number(rest.n) : 0, charge: rest ? Number(rest.charge) : 0 },
    };
  });
}
