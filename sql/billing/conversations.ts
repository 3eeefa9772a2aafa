import type { Db } from '../db.ts';
import { listItems, type ListedItem } from './list.ts';
import { rfc3339In } from '../../core/time.ts';
import type { Conversation, ConversationPage } from '../../core/wire/billing.ts';

/** 24 h, ms: how long a conversation stays open. */
const DAY_MS = 86_400_000;

export type { Conversation };

export type { ConversationPage };

/** Every WhatsApp conversation of a billing month, in quota order, with why it cost what it cost. */
export async function conversations(db: Db, account: string, month: string | undefined, page: { limit: number; offset: number }, now: number): Promise<ConversationPage> {
  const p = await listItems(db, account, 0, month, page.limit, page.offset, now);
  const q = p.quota;
  return {
    month: p.month,
    quota: { free_quota: q.mcc_free_quota, carried_in: q.carried_in, free_used: q.mcc_free_used },
    total: q.mcc_total,
    offset: page.offset,
    next_offset: page.offset + p.items.length < q.mcc_total && p.items.length ? page.offset + p.items.length : null,
    conversations: p.items.map((it) => conversationOf(p.tz, it)),
  };
}

/** One listed item of kind 0 as the wire's Conversation, its times written in `tz`. */
export function conversationOf(tz: string, it: ListedItem): Conversation {
  const inbound = it.last_in_ms > 0 ? it.last_in_ms : null;
  const category = it.category === 0 ? 'service' : 'initiated';
  const reason_code = it.forced ? 'template' : category === 'initiated' ? 'no_recent_message' : 'contact_wrote';
  const reason = {
    template: 'initiated: opened by a template or broadcast message',
    no_recent_message: 'initiated: no message from the contact in the 24 h before',
    contact_wrote: `service: the contact wrote at ${inbound === null ? '' : rfc3339In(tz, inbound)}, within the 24 h before`,
  }[reason_code];
  return {
    seq: it.seq,
    message_id: it.id,
    opened_at: rfc3339In(tz, it.ms),
    open_until: rfc3339In(tz, it.ms + DAY_MS),
    contact_id: it.contact_id,
    room_id: it.room_id,
    category,
    reason,
    reason_code,
    last_inbound_at: inbound === null ? null : rfc3339In(tz, inbound),
    free: !it.charged,
    price: it.price,
    charge: it.charged ? it.price : 0,
    plan_id: it.plan.id,
  };
}
