import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, seeded, FIXTURES, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * Expired windows (SPEC "Beyond the essentials", issue 16 item 3) on expired-example.ndjson,
 * worked out by hand in test/fixtures/README.md, including answers right at the 24 h edge.
 */
let s: TestServer;
const BASE = '/api/v1/accounts/exp';
const DAY = 'from=2026-10-02&to=2026-10-03';

beforeAll(async () => {
  s = await startServer({}, { clock: () => Date.parse('2026-10-10T00:00:00+07:00') });
  const r = await postNdjson(s.app, s.adminKey, fs.readFileSync(path.join(FIXTURES, 'expired-example.ndjson')));
  expect(r.json()).toMatchObject({ accepted: 23, rejected: 0 });
});
afterAll(async () => s?.close());

const get = async (url: string) => {
  const r = await s.app.inject({ method: 'GET', url: `${BASE}${url}`, headers: bearer(s.adminKey) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const fig = (rooms_with_inbound: number, expired_unanswered: number, pct: number | null) => ({ rooms_with_inbound, expired_unanswered, pct });

describe('expired windows', () => {
  test('2 of the 4 rooms whose window closed on 2 October expired unanswered; per channel and agent', async () => {
    const r = await get(`/metrics/expired?${DAY}`);
    expect({ rooms_with_inbound: r.rooms_with_inbound, expired_unanswered: r.expired_unanswered, pct: r.pct }).toEqual(fig(4, 2, 50));
    const ch = Object.fromEntries(r.channels.map((c: { channel: string }) => [c.channel, c]));
    expect(ch.whatsapp).toMatchObject(fig(2, 1, 50));
    expect(ch.webchat).toMatchObject(fig(1, 0, 0));
    expect(ch.email).toMatchObject(fig(1, 1, 100));
    expect(ch.line).toMatchObject(fig(0, 0, null));
    const ag = Object.fromEntries(r.agents.map((a: { agent_id: string | null }) => [a.agent_id ?? '(none)', a]));
    expect(ag.a1).toMatchObject(fig(2, 1, 50));
    expect(ag.a2).toMatchObject(fig(1, 0, 0));
    expect(ag['(none)']).toMatchObject(fig(1, 1, 100));
  });

  test('a filter narrows it; the day before and after see their own closes', async () => {
    expect(await get(`/metrics/expired?${DAY}&channel=whatsapp`)).toMatchObject(fig(2, 1, 50));
    expect(await get(`/metrics/expired?${DAY}&agent=a2`)).toMatchObject(fig(1, 0, 0));
    // 1 October: e6 closed unanswered at 10:00.
    expect(await get('/metrics/expired?from=2026-10-01&to=2026-10-02')).toMatchObject(fig(1, 1, 100));
    // 3 October: e3's second message closes at 09:00, unanswered.
    expect(await get('/metrics/expired?from=2026-10-03&to=2026-10-04')).toMatchObject(fig(1, 1, 100));
  });

  test('GET rooms?expired=true lists them, also when they started before the period', async () => {
    const r = await get(`/rooms?${DAY}&expired=true&sort=started_at`);
    expect(r.rooms.map((x: { room_id: string }) => x.room_id)).toEqual(['e2', 'e5']);
    expect(r.total).toBe(2);
    expect((await get(`/rooms?${DAY}&expired=true&channel=email`)).rooms.map((x: { room_id: string }) => x.room_id)).toEqual(['e5']);
  });
});

describe('in Billing: initiated conversations to customers whose window had expired unanswered', () => {
  test('e2 was answered 1 ms after its window closed: that answer opened an initiated conversation, charged 460', async () => {
    // The plan of expired-example has no free conversations; e1's answer at exactly 24 h is a service one.
    expect(await get('/billing/expired-reach?month=2026-10')).toEqual({ month: '2026-10', initiated: 1, conversations: 1, charges: 460, message_ids: ['e2-out'] });
    const conv = (await get('/billing/conversations?month=2026-10')).conversations.map((c: { message_id: string; category: string; charge: number }) => [c.message_id, c.category, c.charge]);
    expect(conv).toEqual([['e1-out', 'service', 275], ['e2-out', 'initiated', 460]]);
  });
});

describe('expired windows on random logs, against a plain second implementation', () => {
  test('rooms with a close and rooms expired, in all and per channel, for three periods', async () => {
    const r = seeded(26);
    const HOUR = 3_600_000;
    const DAY = 24 * HOUR;
    const T0 = Date.parse('2026-10-01T00:00:00+07:00');
    const iso = (ms: number) => new Date(ms).toISOString();
    type Msg = { t: number; dir: 'inbound' | 'outbound'; sender?: string };
    const rooms: Array<{ id: string; channel: string; msgs: Msg[] }> = [];
    const lines: string[] = [];
    const add = (e: object) => lines.push(JSON.stringify({ account_id: 'exprand', ...e }));
    add({ id: 'p', type: 'plan.changed', occurred_at: '2026-09-01T00:00:00+07:00', mcc_free_monthly: 0, muv_free_monthly: 0, price_mcc_service: 1, price_mcc_initiated: 1, price_muv: 1, mcc_rollover: false, timezone: 'Asia/Jakarta' });
    for (let i = 0; i < 200; i++) {
      const id = `x${i}`;
      const channel = ['whatsapp', 'telegram', 'line'][Math.floor(r() * 3)];
      const msgs: Msg[] = [];
      let t = T0 + Math.floor(r() * 5 * 24) * HOUR;
      add({ id: `${id}-o`, type: 'room.opened', occurred_at: iso(t), room_id: id, contact_id: `c${i}`, origin: 'inbound', channel });
      for (let k = 0, n = 1 + Math.floor(r() * 5); k < n; k++) {
        const inbound = k === 0 || r() < 0.5;
        const sender = inbound ? undefined : ['agent', 'bot', 'broadcast'][Math.floor(r() * 3)];
        msgs.push({ t, dir: inbound ? 'inbound' : 'outbound', sender });
        add({ id: `${id}-m${k}`, type: 'message', occurred_at: iso(t), room_id: id, contact_id: `c${i}`, direction: inbound ? 'inbound' : 'outbound', channel, ...(sender ? { sender } : {}), ...(sender === 'agent' ? { agent_id: 'g' } : {}) });
        // the next message: minutes to two days later, sometimes right at the 24 h edge
        t += r() < 0.15 ? DAY + (r() < 0.5 ? 0 : 1) : Math.floor(r() * 48 * 60) * 60_000;
      }
      rooms.push({ id, channel, msgs });
    }
    expect((await postNdjson(s.app, s.adminKey, lines.join('\n'))).json()).toMatchObject({ rejected: 0 });
    for (const [from, to] of [['2026-10-02', '2026-10-03'], ['2026-10-01', '2026-10-08'], ['2026-10-04', '2026-10-06']]) {
      const lo = Date.parse(`${from}T00:00:00+07:00`);
      const hi = Date.parse(`${to}T00:00:00+07:00`);
      const want = new Map<string, { w: number; e: number }>();
      for (const room of rooms) {
        const ins = room.msgs.filter((m) => m.dir === 'inbound').map((m) => m.t).sort((a, b) => a - b);
        const answers = room.msgs.filter((m) => m.dir === 'outbound' && (m.sender === 'agent' || m.sender === 'bot')).map((m) => m.t);
        const closes = ins.filter((m, i) => m + DAY >= lo && m + DAY < hi && !(ins[i + 1] !== undefined && ins[i + 1] <= m + DAY));
        if (!closes.length) continue;
        const expired = closes.some((m) => !answers.some((o) => o > m && o <= m + DAY));
        for (const k of ['all', room.channel]) {
          const x = want.get(k) ?? { w: 0, e: 0 };
          x.w++;
          if (expired) x.e++;
          want.set(k, x);
        }
      }
      const got = (await s.app.inject({ method: 'GET', url: `/api/v1/accounts/exprand/metrics/expired?from=${from}&to=${to}`, headers: bearer(s.adminKey) })).json();
      const all = want.get('all')!;
      expect(all.w, from).toBeGreaterThan(0);
      expect([got.rooms_with_inbound, got.expired_unanswered], `${from} to ${to}`).toEqual([all.w, all.e]);
      for (const c of ['whatsapp', 'telegram', 'line']) {
        const row = got.channels.find((x: { channel: string }) => x.channel === c);
        const w = want.get(c) ?? { w: 0, e: 0 };
        expect([row.rooms_with_inbound, row.expired_unanswered], `${c} ${from}`).toEqual([w.w, w.e]);
      }
    }
  }, 120_000);
});
