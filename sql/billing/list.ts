import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { planParams, type Plan } from './plans.ts';
import { quota, type QuotaMonth } from './quota.ts';
import { withItems } from './sync.ts';
import { monthIn } from '../../core/time.ts';

const SQL = loadSql(import.meta.url, 'list.sql').replace('{{numbered}}', loadSql(import.meta.url, 'numbered.sql'));

export interface ListedItem {
  seq: number;
  id: string;
  ms: number;
  channel: string;
  contact_id: string;
  room_id: string;
  category: number;
  forced: boolean;
  last_in_ms: number;
  charged: boolean;
  plan: Plan;
  /** list price at the item's time, rupiah */
  price: number;
}

export interface ListPage {
  month: string;
  /** the account's time zone, in which the month is cut and the items' times are written */
  tz: string;
  quota: QuotaMonth;
  items: ListedItem[];
}

/** A page of one month's conversations (kind 0) or visitors (kind 1), in quota order. */
export async function listItems(db: Db, account: string, kind: 0 | 1, month: string | undefined, limit: number, offset: number, now: number): Promise<ListPage> {
  return withItems(db, account, async ({ tz, plans, key }) => {
    const m = month ?? monthIn(tz, now);
    const q = await quota(db, account, tz, plans, m, m, key);
    const i = q.months.findIndex((x) => x.month === m);
    const rows = await db.query<Record<string, string | number>>(SQL, {
      account,
      kind,
      month: `${m}-01`,
      limit,
      offset,
      free: kind === 0 ? q.months[i].mcc_free_used : q.months[i].muv_free_used,
      ...planParams(plans),
    });
    return {
      month: m,
      tz,
      quota: q.months[i],
      items: rows.map((r) => listedItem(r, plans)),
    };
  });
}

/** A row of list.sql (or picked.sql) as a ListedItem. */
export function listedItem(r: Record<string, string | number>, plans: Plan[]): ListedItem {
  return {
    seq: Number(r.seq ?? r.k),
    id: String(r.id),
    ms: Number(r.ms),
    channel: String(r.channel),
    contact_id: String(r.contact_id),
    room_id: String(r.room_id),
    category: Number(r.category),
    forced: Number(r.forced) === 1,
    last_in_ms: Number(r.last_in_ms),
    charged: Number(r.charged) === 1 || String(r.charged) === 'true',
    plan: plans[Number(r.plan_index) - 1],
    price: Number(r.price),
  };
}
