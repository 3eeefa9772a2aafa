import type { Db } from '../db.ts';
import { listItems, type ListedItem } from './list.ts';
import { rfc3339In } from '../../core/time.ts';
import type { Visitor, VisitorPage } from '../../core/wire/billing.ts';

export type { Visitor };

export type { VisitorPage };

/** Every visitor (channel, contact) of a billing month, in the order they were first seen, free or charged. */
export async function visitors(db: Db, account: string, month: string | undefined, page: { limit: number; offset: number }, now: number): Promise<VisitorPage> {
  const p = await listItems(db, account, 1, month, page.limit, page.offset, now);
  const q = p.quota;
  return {
    month: p.month,
    quota: { free_quota: q.muv_free_quota, free_used: q.muv_free_used },
    total: q.muv_total,
    offset: page.offset,
    next_offset: page.offset + p.items.length < q.muv_total && p.items.length ? page.offset + p.items.length : null,
    visitors: p.items.map((it) => visitorOf(p.tz, it)),
  };
}

/** One listed item of kind 1 as the wire's Visitor, its time written in `tz`. */
export function visitorOf(tz: string, it: ListedItem): Visitor {
  return {
    seq: it.seq,
    channel: it.channel,
    contact_id: it.contact_id,
    message_id: it.id,
    first_seen_at: rfc3339In(tz, it.ms),
    room_id: it.room_id,
    free: !it.charged,
    price: it.price,
    charge: it.charged ? it.price : 0,
    plan_id: it.plan.id,
  };
}
