import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, seeded, EXAMPLE_NDJSON, FIXTURES, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * Campaigns (SPEC "Beyond the essentials", issue 16 item 1): the worked example's two
 * campaigns worked out by hand, then random logs: the money adds up with Billing, and
 * sends, contacts, replies and the visitors' attribution equal a plain second implementation.
 */
let s: TestServer;
beforeAll(async () => {
  s = await startServer({}, { clock: () => Date.parse('2026-12-02T10:00:00+07:00') });
  expect((await postNdjson(s.app, s.adminKey, fs.readFileSync(EXAMPLE_NDJSON))).json()).toMatchObject({ accepted: 42 });
});
afterAll(async () => s?.close());

const get = async (url: string) => {
  const r = await s.app.inject({ method: 'GET', url, headers: bearer(s.adminKey) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

describe('campaigns of the worked example', () => {
  test('October: promo-oct reached 6282222 once, no reply in 24 h, its conversation free', async () => {
    const r = await get('/api/v1/accounts/demo/campaigns?from=2026-10-01&to=2026-11-01');
    expect(r.campaigns).toEqual([
      {
        campaign_id: 'promo-oct',
        first_sent_at: '2026-10-05T10:00:00.000+07:00',
        last_sent_at: '2026-10-05T10:00:00.000+07:00',
        messages: 1,
        contacts: 1,
        replied: 0, // 6282222 wrote next on 7 October (r4-in1), not within 24 h
        reply_rate: 0,
        conversations: { total: 1, free: 1, charged: 0 },
        charges: { mcc: 0, muv: 0, total: 0 },
        // the same per channel: all on WhatsApp
        channels: [{ channel: 'whatsapp', first_sent_at: '2026-10-05T10:00:00.000+07:00', last_sent_at: '2026-10-05T10:00:00.000+07:00', messages: 1, contacts: 1, replied: 0, reply_rate: 0, conversations: { total: 1, free: 1, charged: 0 }, charges: { mcc: 0, muv: 0, total: 0 } }],
      },
    ]);
    // r1-out1, r2-out1 and r4-hsm opened conversations without a campaign; October's were all free.
    expect(r.without_campaign).toEqual({ conversations: 3, charges_mcc: 0 });
  });

  test('November: promo-nov reached two contacts, one replied; its money adds up with Billing', async () => {
    const r = await get('/api/v1/accounts/demo/campaigns?from=2026-11-01&to=2026-12-01');
    expect(r.campaigns).toHaveLength(1);
    expect(r.campaigns[0]).toMatchObject({ campaign_id: 'promo-nov', messages: 2, contacts: 2, replied: 1, reply_rate: 50, conversations: { total: 2, free: 1, charged: 1 }, charges: { mcc: 460, muv: 0, total: 460 } });
    expect(r.without_campaign).toEqual({ conversations: 1, charges_mcc: 0 }); // r6-out1, free
    const u = await get('/api/v1/accounts/demo/billing/usage?month=2026-11');
    expect(r.campaigns[0].charges.mcc + r.without_campaign.charges_mcc).toBe(u.charges.mcc_service + u.charges.mcc_initiated);
    expect(r.campaigns[0].conversations.total + r.without_campaign.conversations).toBe(u.mcc.total);
    const c = await get('/api/v1/accounts/demo/campaigns/promo-nov/contacts?from=2026-11-01&to=2026-12-01');
    expect(c.total).toBe(2);
    expect(c.contacts).toEqual([
      { channel: 'whatsapp', contact_id: '6282222', first_message_id: 'r8-bc', first_sent_at: '2026-11-03T10:00:00.000+07:00', replied: false, replied_at: null, conversation: { message_id: 'r8-bc', opened_at: '2026-11-03T10:00:00.000+07:00', category: 'initiated', free: true, charge: 0 }, visitor_charge: 0 },
      { channel: 'whatsapp', contact_id: '6281111', first_message_id: 'r9-bc', first_sent_at: '2026-11-03T10:05:00.000+07:00', replied: true, replied_at: '2026-11-03T11:00:00.000+07:00', conversation: { message_id: 'r9-bc', opened_at: '2026-11-03T10:05:00.000+07:00', category: 'initiated', free: false, charge: 460 }, visitor_charge: 0 },
    ]);
    const page = await get('/api/v1/accounts/demo/campaigns/promo-nov/contacts?from=2026-11-01&to=2026-12-01&limit=1');
    expect(page.contacts.map((x: { contact_id: string }) => x.contact_id)).toEqual(['6282222']);
    const next = await get(`/api/v1/accounts/demo/campaigns/promo-nov/contacts?from=2026-11-01&to=2026-12-01&limit=1&cursor=${page.next_cursor}`);
    expect([next.contacts[0].contact_id, next.next_cursor]).toEqual(['6281111', null]);
  });
});

describe('campaigns of our own fixture (test/fixtures/README.md)', () => {
  const W = 'whatsapp';
  test('replies at 23 h 59 min and not at 24 h + 1 ms; free and charged conversations; MUV paid by the campaign answered; it adds up with Billing', async () => {
    expect((await postNdjson(s.app, s.adminKey, fs.readFileSync(path.join(FIXTURES, 'campaign-example.ndjson')))).json()).toMatchObject({ accepted: 10, rejected: 0 });
    const r = await get('/api/v1/accounts/camp/campaigns?from=2026-10-01&to=2026-11-01');
    const fig = (messages: number, contacts: number, replied: number, conv: [number, number, number], mcc: number, muv: number) => ({
      messages, contacts, replied, reply_rate: contacts ? (100 * replied) / contacts : null, conversations: { total: conv[0], free: conv[1], charged: conv[2] }, charges: { mcc, muv, total: mcc + muv },
    });
    expect(r.campaigns.map((c: { campaign_id: string }) => c.campaign_id)).toEqual(['oct-a', 'oct-b']);
    expect(r.campaigns[0]).toMatchObject(fig(2, 2, 1, [2, 1, 1], 500, 0));
    expect(r.campaigns[1]).toMatchObject(fig(2, 2, 1, [1, 0, 1], 500, 700));
    const chans = Object.fromEntries(r.campaigns[1].channels.map((c: { channel: string }) => [c.channel, c]));
    expect(chans.telegram).toMatchObject(fig(1, 1, 1, [0, 0, 0], 0, 700));
    expect(chans[W]).toMatchObject(fig(1, 1, 0, [1, 0, 1], 500, 0));
    expect(r.without_campaign).toEqual({ conversations: 1, charges_mcc: 500 });
    const u = await get('/api/v1/accounts/camp/billing/usage?month=2026-10');
    expect(u.charges).toMatchObject({ mcc_initiated: 1500, mcc_service: 0, muv: 1400 });
    const c = await get('/api/v1/accounts/camp/campaigns/oct-b/contacts?from=2026-10-01&to=2026-11-01');
    expect(c.contacts.map((x: { contact_id: string; replied_at: string | null; conversation: { charge: number } | null; visitor_charge: number }) => [x.contact_id, x.replied_at, x.conversation?.charge ?? null, x.visitor_charge])).toEqual([
      ['t1', '2026-10-07T08:59:00.000+07:00', null, 700],
      ['w3', null, 500, 0],
    ]);
  });
});

describe('expired windows in Billing, on the worked example', () => {
  test("November's two broadcasts went to customers who had been answered: none counts", async () => {
    // 6282222 last wrote on 7 October and was answered 10 min later (r4-out1); 6281111 on 1 October, answered (r1-out1).
    expect(await get('/api/v1/accounts/demo/billing/expired-reach?month=2026-11')).toEqual({ month: '2026-11', initiated: 2, conversations: 0, charges: 0, message_ids: [] });
  });
});

describe('campaigns on random logs', () => {
  test('the money adds up with Billing, and sends, replies and visitors equal a plain second implementation', async () => {
    const r = seeded(7);
    const HOUR = 3_600_000;
    const DAY = 24 * HOUR;
    const ACCT = 'camprand';
    const T0 = Date.parse('2026-10-01T00:00:00+07:00');
    const iso = (ms: number) => new Date(ms).toISOString();
    type Ev = { id: string; t: number; channel: string; contact: string; dir: 'inbound' | 'outbound'; campaign?: string; sender: string };
    const evs: Ev[] = [];
    const lines: string[] = [JSON.stringify({ id: 'p', type: 'plan.changed', account_id: ACCT, occurred_at: '2026-09-01T00:00:00+07:00', mcc_free_monthly: 5, muv_free_monthly: 3, price_mcc_service: 300, price_mcc_initiated: 500, price_muv: 700, mcc_rollover: false, timezone: 'Asia/Jakarta' })];
    let n = 0;
    for (let c = 0; c < 40; c++) {
      const channel = r() < 0.7 ? 'whatsapp' : 'telegram';
      const contact = `62800${c}`;
      let t = T0 + Math.floor(r() * 20 * 24) * HOUR;
      for (let k = 0, m = 2 + Math.floor(r() * 6); k < m; k++) {
        const roll = r();
        const e: Ev =
          roll < 0.35
            ? { id: `m${n++}`, t, channel, contact, dir: 'outbound', campaign: ['spring', 'flash', 'vip'][Math.floor(r() * 3)], sender: 'broadcast' }
            : roll < 0.7
              ? { id: `m${n++}`, t, channel, contact, dir: 'inbound', sender: '' }
              : { id: `m${n++}`, t, channel, contact, dir: 'outbound', sender: 'agent' };
        evs.push(e);
        lines.push(JSON.stringify({ id: e.id, type: 'message', account_id: ACCT, occurred_at: iso(t), room_id: `room-${c}`, contact_id: contact, channel, direction: e.dir, ...(e.dir === 'outbound' ? { sender: e.sender, ...(e.sender === 'agent' ? { agent_id: 'g' } : {}), template: e.sender === 'broadcast' } : {}), ...(e.campaign ? { campaign_id: e.campaign } : {}) }));
        t += Math.floor(r() * 40) * HOUR + (r() < 0.2 ? DAY : 0);
      }
    }
    expect((await postNdjson(s.app, s.adminKey, lines.join('\n'))).json()).toMatchObject({ rejected: 0 });
    const from = Date.parse('2026-10-01T00:00:00+07:00');
    const to = Date.parse('2026-12-01T00:00:00+07:00');
    const rep = await get(`/api/v1/accounts/${ACCT}/campaigns?from=2026-10-01&to=2026-12-01`);
    // 1. Money adds up with Billing, month by month of the period.
    let mcc = 0;
    let total = 0;
    for (const m of ['2026-10', '2026-11']) {
      const u = await get(`/api/v1/accounts/${ACCT}/billing/usage?month=${m}`);
      mcc += u.charges.mcc_service + u.charges.mcc_initiated;
      total += u.mcc.total;
    }
    expect(mcc).toBeGreaterThan(0);
    expect(rep.campaigns.reduce((a: number, c: { charges: { mcc: number } }) => a + c.charges.mcc, 0) + rep.without_campaign.charges_mcc).toBe(mcc);
    expect(rep.campaigns.reduce((a: number, c: { conversations: { total: number } }) => a + c.conversations.total, 0) + rep.without_campaign.conversations).toBe(total);
    // 2. Sends, contacts, replies and visitors, the plain way.
    const sends = evs.filter((e) => e.campaign && e.t >= from && e.t < to);
    const key = (e: { channel: string; contact: string }) => `${e.channel}|${e.contact}`;
    const offset = 7 * HOUR;
    const month = (t: number) => new Date(t + offset).toISOString().slice(0, 7);
    // visitors: the first inbound message per (channel, contact, month); the first 3 of a month are free, then 700
    const firsts = new Map<string, Ev>();
    for (const e of [...evs].filter((x) => x.dir === 'inbound').sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1))) if (!firsts.has(`${key(e)}|${month(e.t)}`)) firsts.set(`${key(e)}|${month(e.t)}`, e);
    const byMonth = new Map<string, Ev[]>();
    for (const [k, e] of firsts) (byMonth.get(k.split('|')[2]) ?? byMonth.set(k.split('|')[2], []).get(k.split('|')[2])!).push(e);
    const visitorCharge = new Map<string, number>();
    for (const list of byMonth.values()) list.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1)).forEach((e, i) => visitorCharge.set(e.id, i < 3 ? 0 : 700));
    for (const name of ['spring', 'flash', 'vip']) {
      const mine = sends.filter((e) => e.campaign === name);
      const got = rep.campaigns.find((c: { campaign_id: string }) => c.campaign_id === name);
      if (!mine.length) {
        expect(got).toBeUndefined();
        continue;
      }
      const contacts = new Set(mine.map(key));
      const replied = [...contacts].filter((k) => evs.some((i) => i.dir === 'inbound' && key(i) === k && mine.some((s2) => key(s2) === k && i.t > s2.t && i.t <= s2.t + DAY))).length;
      let muv = 0;
      for (const v of firsts.values()) {
        if (v.t < from || v.t >= to) continue;
        const latest = evs.filter((e) => e.campaign && key(e) === key(v) && e.t < v.t && v.t <= e.t + DAY).sort((a, b) => a.t - b.t).at(-1);
        if (latest?.campaign === name) muv += visitorCharge.get(v.id)!;
      }
      expect({ messages: got.messages, contacts: got.contacts, replied: got.replied, muv: got.charges.muv }, name).toEqual({ messages: mine.length, contacts: contacts.size, replied, muv });
      // Per channel, the figures add up to the campaign's.
      type Part = { channel: string; messages: number; contacts: number; replied: number; charges: { mcc: number; muv: number } };
      const sum = (f: (p: Part) => number) => (got.channels as Part[]).reduce((a, p) => a + f(p), 0);
      expect([sum((p) => p.messages), sum((p) => p.contacts), sum((p) => p.replied), sum((p) => p.charges.mcc), sum((p) => p.charges.muv)], name).toEqual([got.messages, got.contacts, got.replied, got.charges.mcc, got.charges.muv]);
      expect((got.channels as Part[]).find((p) => p.channel === 'telegram')?.charges.mcc ?? 0).toBe(0);
    }
  }, 120_000);
});
