import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { conversationOf } from './conversations.ts';
import { pickedItems } from './picked.ts';
import { accountTimezone } from '../account.ts';
import { monthIn } from '../../core/time.ts';
import type { Conversation } from '../../core/wire/billing.ts';

/** 24 h, ms: a customer's window. */
const DAY_MS = 86_400_000;
const SQL = loadSql(import.meta.url, 'expired-reach.sql');

export interface ExpiredReach {
  month: string;
  /** initiated conversations of the month */
  initiated: number;
  /** those whose contact's previous window (after its latest inbound message before the opening) expired unanswered */
  conversations: number;
  /** their charges, rupiah */
  charges: number;
  /** their opening messages, oldest first */
  message_ids: string[];
}

/**
 * What expired windows cost on WhatsApp (SPEC "Beyond the essentials"): the month's
 * initiated conversations whose contact had written before, 24 h or more earlier, and had
 * no agent or bot reply within 24 h of that message: reaching them again took a template.
 * Free or charged as Billing decided (its own list).
 */
export async function expiredReach(db: Db, account: string, month: string | undefined, now: number): Promise<ExpiredReach> {
  // The month's initiated conversations one by one (one query, not every page of the month).
  const m = month ?? monthIn(await accountTimezone(db, account), now);
  const p = await pickedItems(db, account, 0, m, { ids: [], pairs: [], category: 1 }, 0, Number.MAX_SAFE_INTEGER);
  const initiated: Conversation[] = p.items.map((it) => conversationOf(p.tz, it));
  const contacts = [...new Set(initiated.map((c) => c.contact_id))];
  const hi = Math.max(0, ...initiated.map((c) => Date.parse(c.opened_at) + 1));
  const rows = contacts.length ? await db.query<{ contact_id: string; ins: number[]; outs: number[] }>(SQL, { account, cts: contacts, hi }) : [];
  const byContact = new Map(rows.map((r) => [r.contact_id, { ins: r.ins.map(Number), outs: r.outs.map(Number) }]));
  const hits = initiated.filter((c) => {
    const t = Date.parse(c.opened_at);
    const x = byContact.get(c.contact_id);
    const prev = x?.ins.filter((i) => i < t).at(-1);
    if (prev === undefined || prev + DAY_MS >= t) return false; // never wrote, or its window was still open
    return !x!.outs.some((o) => o > prev && o <= prev + DAY_MS);
  });
  return { month: m, initiated: initiated.length, conversations: hits.length, charges: hits.reduce((a, c) => a + c.charge, 0), message_ids: hits.map((c) => c.message_id) };
}
