import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { conversationOf, type Conversation } from '../billing/conversations.ts';
import { visitorOf, type Visitor } from '../billing/visitors.ts';
import { pickedItems } from '../billing/picked.ts';
import type { ListedItem } from '../billing/list.ts';
import { addMonths, monthIn, rfc3339In } from '../../core/time.ts';
import type { CampaignContactRow, Campaigns } from '../../core/wire/campaigns.ts';

/**
 * What a broadcast cost (SPEC "Beyond the essentials"): per campaign, its sends, contacts
 * and replies from the events, and its money from Billing's own lists, so a campaign's
 * conversations are free or charged exactly as Billing decided: the conversations whose
 * opening message carries the campaign, and the visitors who first wrote within 24 h of
 * one of its messages (the latest campaign message before them wins). The conversations
 * opened without a campaign are counted beside, so the two add up to the month's MCC charges.
 */

const DAY_MS = 86_400_000;

const SQL = {
  messages: loadSql(import.meta.url, 'messages.sql'),
  replies: loadSql(import.meta.url, 'replies.sql'),
};

interface Send {
  id: string;
  campaign_id: string;
  channel: string;
  contact_id: string;
  ms: number;
}

/**
 * Billing's items of the months that [fromMs, toMs) touches, in [fromMs, toMs): those
 * picked (by opening message id or by contact) one by one, the others summed.
 */
async function billingPicked<T>(db: Db, account: string, tz: string, kind: 0 | 1, fromMs: number, toMs: number, pick: { ids: string[]; pairs: Array<[string, string]> }, as: (tz: string, it: ListedItem) => T) {
  const items: T[] = [];
  const rest = { n: 0, charge: 0 };
  for (let m = monthIn(tz, fromMs); m <= monthIn(tz, toMs - 1); m = addMonths(m, 1)) {
    const p = await pickedItems(db, account, kind, m, pick, fromMs, toMs);
    for (const it of p.items) items.push(as(p.tz, it));
    rest.n += p.rest.n;
    rest.charge += p.rest.charge;
  }
  return { items, rest };
}

const contactKey = (channel: string, contact: string) => `${channel}\u0000${contact}`;

/** Everything both reports need, for [fromMs, toMs) in `tz`. */
async function gather(db: Db, account: string, tz: string, fromMs: number, toMs: number) {
  // Sends from 24 h before the period: a visitor early in the period may answer one of them.
  const tagged = await db.query<Send & { outbound: number }>(SQL.messages, { account, lo: fromMs - DAY_MS, hi: toMs });
  for (const s of tagged) s.ms = Number(s.ms);
  const sends: Send[] = tagged.filter((s) => Number(s.outbound) === 1);
  const inPeriod = sends.filter((s) => s.ms >= fromMs);
  const pairs = [...new Map(inPeriod.map((s) => [contactKey(s.channel, s.contact_id), s])).values()];
  const replies = pairs.length
    ? await db.query<{ channel: string; contact_id: string; ms: number }>(SQL.replies, { account, lo: fromMs, hi: toMs + DAY_MS, chs: pairs.map((p) => p.channel), cts: pairs.map((p) => p.contact_id) })
    : [];
  const inbound = new Map<string, number[]>();
  for (const r of replies) {
    const k = contactKey(r.channel, r.contact_id);
    (inbound.get(k) ?? inbound.set(k, []).get(k)!).push(Number(r.ms));
  }
  // Only the conversations a campaign message opened and the visitors a campaign reached
  // come one by one; the month's other conversations come summed (opened without a campaign).
  const tag = tagged.map((t) => t.id);
  const reached = [...new Map(sends.map((x) => [contactKey(x.channel, x.contact_id), [x.channel, x.contact_id] as [string, string]])).values()];
  const conv = await billingPicked(db, account, tz, 0, fromMs, toMs, { ids: tag, pairs: [] }, conversationOf);
  const convs = conv.items;
  const visits = (await billingPicked(db, account, tz, 1, fromMs, toMs, { ids: [], pairs: reached }, visitorOf)).items;
  // The campaign of a conversation's opening message (opened in the period, so in `tagged`).
  const campaignOf = new Map(tagged.map((r) => [r.id, r.campaign_id]));
  // A visitor's campaign: the latest send to that contact in the 24 h before its first message.
  const sendsTo = new Map<string, Send[]>();
  for (const s of sends) (sendsTo.get(contactKey(s.channel, s.contact_id)) ?? sendsTo.set(contactKey(s.channel, s.contact_id), []).get(contactKey(s.channel, s.contact_id))!).push(s);
  const visitorCampaign = (v: Visitor): Send | undefined => {
    const f = Date.parse(v.first_seen_at);
    return (sendsTo.get(contactKey(v.channel, v.contact_id)) ?? []).filter((s) => s.ms < f && f <= s.ms + DAY_MS).at(-1);
  };
  /** The contact's first inbound message in (t, t + 24 h] after one of `ts`, or null. */
  const replyAfter = (channel: string, contact: string, ts: number[]): number | null => {
    const ins = inbound.get(contactKey(channel, contact)) ?? [];
    const hits = ins.filter((m) => ts.some((t) => m > t && m <= t + DAY_MS));
    return hits.length ? Math.min(...hits) : null;
  };
  return { inPeriod, convs, otherConvs: conv.rest, visits, campaignOf, visitorCampaign, replyAfter };
}

type Figures = Omit<Campaigns['campaigns'][number], 'campaign_id' | 'channels'>;

/** One row per campaign with a send in [fromMs, toMs), by first send (and per channel), and the conversations opened without one. */
export async function campaignReport(db: Db, account: string, tz: string, fromMs: number, toMs: number): Promise<Omit<Campaigns, 'period'>> {
  const g = await gather(db, account, tz, fromMs, toMs);
  /** The figures of each key: a campaign, or a campaign on one channel. */
  const tally = (keyOf: (campaign: string, channel: string) => string) => {
    const rows = new Map<string, Figures & { _contacts: Map<string, number[]> }>();
    for (const s of g.inPeriod) {
      const key = keyOf(s.campaign_id, s.channel);
      let r = rows.get(key);
      if (!r) {
        r = { first_sent_at: rfc3339In(tz, s.ms), last_sent_at: '', messages: 0, contacts: 0, replied: 0, reply_rate: null, conversations: { total: 0, free: 0, charged: 0 }, charges: { mcc: 0, muv: 0, total: 0 }, _contacts: new Map() };
        rows.set(key, r);
      }
      r.messages++;
      r.last_sent_at = rfc3339In(tz, s.ms);
      const k = contactKey(s.channel, s.contact_id);
      (r._contacts.get(k) ?? r._contacts.set(k, []).get(k)!).push(s.ms);
    }
    for (const r of rows.values()) {
      r.contacts = r._contacts.size;
      for (const [k, ts] of r._contacts) {
        const [ch, ct] = k.split('\u0000');
        if (g.replyAfter(ch, ct, ts) !== null) r.replied++;
      }
      r.reply_rate = r.contacts ? (100 * r.replied) / r.contacts : null;
    }
    const without = { conversations: g.otherConvs.n, charges_mcc: g.otherConvs.charge };
    for (const c of g.convs) {
      // MCC conversations are WhatsApp's
      const r = rows.get(keyOf(g.campaignOf.get(c.message_id) ?? '', 'whatsapp'));
      if (!r) {
        without.conversations++;
        without.charges_mcc += c.charge;
        continue;
      }
      r.conversations.total++;
      if (c.free) r.conversations.free++;
      else r.conversations.charged++;
      r.charges.mcc += c.charge;
    }
    for (const v of g.visits) {
      const r = rows.get(keyOf(g.visitorCampaign(v)?.campaign_id ?? '', v.channel));
      if (r) r.charges.muv += v.charge;
    }
    for (const r of rows.values()) r.charges.total = r.charges.mcc + r.charges.muv;
    return { rows, without };
  };
  const whole = tally((campaign) => campaign);
  const perChannel = tally((campaign, channel) => `${campaign}\u0000${channel}`);
  const campaigns = [...whole.rows.entries()].map(([id, { _contacts, ...r }]) => ({
    campaign_id: id,
    ...r,
    channels: [...perChannel.rows.entries()].filter(([k]) => k.startsWith(`${id}\u0000`)).map(([k, { _contacts: _c, ...x }]) => ({ channel: k.slice(id.length + 1), ...x })),
  }));
  return { campaigns, without_campaign: whole.without };
}

/** Each contact of one campaign in [fromMs, toMs): its first send, reply, conversation and visitor charge, by first send. */
export async function campaignContacts(db: Db, account: string, tz: string, campaignId: string, fromMs: number, toMs: number): Promise<CampaignContactRow[]> {
  const g = await gather(db, account, tz, fromMs, toMs);
  const mine = g.inPeriod.filter((s) => s.campaign_id === campaignId);
  const byContact = new Map<string, Send[]>();
  for (const s of mine) (byContact.get(contactKey(s.channel, s.contact_id)) ?? byContact.set(contactKey(s.channel, s.contact_id), []).get(contactKey(s.channel, s.contact_id))!).push(s);
  const convOf = new Map<string, Conversation>();
  for (const c of g.convs) if (g.campaignOf.get(c.message_id) === campaignId) convOf.set(c.message_id, c);
  const visitorCharge = new Map<string, number>();
  for (const v of g.visits) if (g.visitorCampaign(v)?.campaign_id === campaignId) visitorCharge.set(contactKey(v.channel, v.contact_id), (visitorCharge.get(contactKey(v.channel, v.contact_id)) ?? 0) + v.charge);
  return [...byContact.entries()].map(([k, ss]) => {
    const first = ss[0];
    const reply = g.replyAfter(first.channel, first.contact_id, ss.map((s) => s.ms));
    const conv = ss.map((s) => convOf.get(s.id)).find(Boolean);
    return {
      channel: first.channel,
      contact_id: first.contact_id,
      first_message_id: first.id,
      first_sent_at: rfc3339In(tz, first.ms),
      replied: reply !== null,
      replied_at: reply === null ? null : rfc3339In(tz, reply),
      conversation: conv ? { message_id: conv.message_id, opened_at: conv.opened_at, category: conv.category, free: conv.free, charge: conv.charge } : null,
      visitor_charge: visitorCharge.get(k) ?? 0,
    };
  });
}
