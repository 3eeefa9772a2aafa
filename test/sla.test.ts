import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, FIXTURES, seeded, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * Service levels (SPEC "Beyond the essentials", issue 16 item 2) on sla-example.ndjson,
 * whose answers are worked out by hand in test/fixtures/README.md: targets of 10 min to
 * the first response and 1 h to the resolve, on Thursday 1 October 2026 (Jakarta), with
 * the clock at 12:00 so rooms still waiting are judged at that moment.
 */
let s: TestServer;
const NOW = Date.parse('2026-10-01T12:00:00+07:00');
/** The server's clock (the random-log test moves it on; one embedded store per process). */
let clockMs = NOW;
const BASE = '/api/v1/accounts/sla';
const DAY = 'from=2026-10-01&to=2026-10-02';

beforeAll(async () => {
  s = await startServer({}, { clock: () => clockMs });
  const r = await postNdjson(s.app, s.adminKey, fs.readFileSync(path.join(FIXTURES, 'sla-example.ndjson')));
  expect(r.json()).toMatchObject({ accepted: 28, rejected: 0 });
});
afterAll(async () => s?.close());

const call = async (method: 'GET' | 'PUT', url: string, payload?: object) => {
  const r = await s.app.inject({ method, url: `${BASE}${url}`, headers: bearer(s.adminKey), payload });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const level = (target_s: number | null, rooms: number, met: number | null, breached: number | null, pending: number | null, met_pct: number | null) => ({ target_s, rooms, met, breached, pending, met_pct });

describe('service levels', () => {
  test('without targets every figure but the rooms is null', async () => {
    const r = await call('GET', `/metrics/sla?${DAY}`);
    expect(r.first_response).toEqual(level(null, 5, null, null, null, null));
    expect(r.resolution).toEqual(level(null, 5, null, null, null, null));
  });

  test('targets in the settings: met, breached and pending, judged at min(to, now)', async () => {
    const set = await call('PUT', '/settings', { sla: { first_response_s: 600, resolution_s: 3600, business_hours: false } });
    expect(set.sla).toEqual({ first_response_s: 600, resolution_s: 3600, business_hours: false });
    const r = await call('GET', `/metrics/sla?${DAY}`);
    // First response: s1 (5 min) and s2 (10 min, at the target) met; s3 (20 min) and s5 (30 min waiting) breached; s4 (5 min waiting) pending.
    expect(r.first_response).toEqual(level(600, 5, 2, 2, 1, 50));
    // Resolution: s1 (50 min) met; s2 (90 min) and s3 (2 h open) breached; s4 and s5 pending.
    expect(r.resolution).toMatchObject(level(3600, 5, 1, 2, 2, expect.closeTo(100 / 3, 9) as unknown as number));
    expect(r.business_hours).toBe(false);
    const ch = Object.fromEntries(r.channels.map((c: { channel: string }) => [c.channel, c]));
    expect(ch.whatsapp.first_response).toEqual(level(600, 2, 2, 0, 0, 100));
    expect(ch.whatsapp.resolution).toEqual(level(3600, 2, 1, 1, 0, 50));
    expect(ch.webchat.first_response).toEqual(level(600, 2, 0, 1, 1, 0));
    expect(ch.instagram.resolution).toEqual(level(3600, 1, 0, 0, 1, null));
    expect(ch.line.first_response).toEqual(level(600, 0, 0, 0, 0, null));
    const ag = Object.fromEntries(r.agents.map((a: { agent_id: string }) => [a.agent_id, a]));
    expect(Object.keys(ag).sort()).toEqual(['a1', 'a2']);
    expect(ag.a1.first_response).toEqual(level(600, 3, 2, 1, 0, 200 / 3));
    expect(ag.a2.resolution).toEqual(level(3600, 2, 0, 1, 1, 0));
  });

  test('a window that has ended judges at its end: s3, open one hour at 11:00, is pending, not breached', async () => {
    const r = await call('GET', `/metrics/sla?from=2026-10-01T00:00:00%2B07:00&to=2026-10-01T11:00:00%2B07:00`);
    expect(r.first_response).toEqual(level(600, 3, 2, 1, 0, 200 / 3));
    expect(r.resolution).toEqual(level(3600, 3, 1, 1, 1, 50));
  });

  test('GET rooms?sla=breached lists the breaching rooms', async () => {
    const r = await call('GET', `/rooms?${DAY}&sla=breached&sort=started_at`);
    expect(r.rooms.map((x: { room_id: string }) => x.room_id)).toEqual(['s2', 's3', 's5']);
    expect(r.total).toBe(3);
  });

  test('office time when the targets say so: with office hours 09:00-10:00 nothing is breached', async () => {
    await call('PUT', '/settings', { office_hours: { thu: [{ from: '09:00', to: '10:00' }] }, sla: { first_response_s: 600, resolution_s: 3600, business_hours: true } });
    const r = await call('GET', `/metrics/sla?${DAY}`);
    expect(r.business_hours).toBe(true);
    // s2 resolves at 10:30: 60 office minutes (met at the target); s3's answer at 10:20 took
    // 0 office minutes (met); s4 and s5 have waited no office time (pending).
    expect(r.first_response).toEqual(level(600, 5, 3, 0, 2, 100));
    expect(r.resolution).toEqual(level(3600, 5, 2, 0, 3, 100));
    expect((await call('GET', `/rooms?${DAY}&sla=breached`)).total).toBe(0);
  });

  test('bad targets are refused with the field', async () => {
    for (const sla of [{ first_response_s: 0, resolution_s: null, business_hours: false }, { first_response_s: -5, resolution_s: 10, business_hours: false }, { first_response_s: 10, resolution_s: 10 }]) {
      const r = await s.app.inject({ method: 'PUT', url: `${BASE}/settings`, headers: bearer(s.adminKey), payload: { sla } });
      expect(r.statusCode, JSON.stringify(sla)).toBe(400);
      expect(r.json().error.field).toMatch(/^sla/);
    }
    expect((await call('PUT', '/settings', { sla: null })).sla).toBe(null);
  });
});

describe('service levels on random logs, against a plain second implementation', () => {
  const ACCT = 'slarand';
  const R = '/api/v1/accounts/slarand';
  const MIN = 60_000;
  const T0 = Date.parse('2026-10-01T00:00:00+07:00');
  interface Room {
    id: string;
    channel: string;
    assigned: number[];
    agents: string[];
    replies: number[];
    resolves: number[];
  }

  test('met, breached and pending per channel and in all equal the reference for 300 rooms', async () => {
    const r = seeded(16);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    const iso = (ms: number) => new Date(ms).toISOString();
    const rooms: Room[] = [];
    const lines: string[] = [];
    const add = (e: object) => lines.push(JSON.stringify({ account_id: ACCT, ...e }));
    add({ id: 'p', type: 'plan.changed', occurred_at: '2026-09-01T00:00:00+07:00', mcc_free_monthly: 0, muv_free_monthly: 0, price_mcc_service: 1, price_mcc_initiated: 1, price_muv: 1, mcc_rollover: false, timezone: 'Asia/Jakarta' });
    for (let i = 0; i < 300; i++) {
      const id = `q${i}`;
      const open = T0 + Math.floor(r() * 6 * 24 * 60) * MIN; // 1-6 October
      const channel = pick(['whatsapp', 'webchat', 'email']);
      const room: Room = { id, channel, assigned: [], agents: [], replies: [], resolves: [] };
      add({ id: `${id}-o`, type: 'room.opened', occurred_at: iso(open), room_id: id, contact_id: `k${i}`, origin: 'inbound', channel });
      if (r() < 0.85) {
        const n = r() < 0.2 ? 2 : 1;
        for (let k = 0; k < n; k++) {
          const at = open + Math.floor(r() * 120) * MIN + k * 30 * MIN;
          const agent = pick(['x', 'y', 'z']);
          room.assigned.push(at);
          room.agents.push(agent);
          add({ id: `${id}-a${k}`, type: 'room.assigned', occurred_at: iso(at), room_id: id, agent_id: agent });
        }
        const first = Math.min(...room.assigned);
        if (r() < 0.8) {
          // an agent reply, sometimes only before the assignment (it does not count)
          const at = r() < 0.1 ? first - 5 * MIN : first + Math.floor(r() * 40) * MIN;
          room.replies.push(at);
          add({ id: `${id}-m`, type: 'message', occurred_at: iso(at), room_id: id, contact_id: `k${i}`, direction: 'outbound', sender: 'agent', agent_id: room.agents[0], channel });
        }
        if (r() < 0.7) {
          const at = first + Math.floor(r() * 180) * MIN;
          room.resolves.push(at);
          add({ id: `${id}-r`, type: 'room.resolved', occurred_at: iso(at), room_id: id, agent_id: room.agents[room.agents.length - 1] });
        }
      }
      rooms.push(room);
    }
    const now = Date.parse('2026-10-05T12:00:00+07:00');
    // The clock at `now`: rooms still waiting are judged then.
    clockMs = now;
    const srv = s;
    {
      expect((await postNdjson(srv.app, srv.adminKey, lines.join('\n'))).json()).toMatchObject({ rejected: 0 });
      const put = await srv.app.inject({ method: 'PUT', url: `${R}/settings`, headers: bearer(srv.adminKey), payload: { sla: { first_response_s: 900, resolution_s: 5400, business_hours: false } } });
      expect(put.statusCode).toBe(200);
      const from = Date.parse('2026-10-02T00:00:00+07:00');
      const to = Date.parse('2026-10-08T00:00:00+07:00');
      const until = Math.min(to, now);
      // The reference: SPEC's words, room by room.
      const verdict = (done: number | null, start: number, target: number) => (done !== null ? (done - start <= target ? 'met' : 'breached') : until - start > target ? 'breached' : 'pending');
      const want = new Map<string, { rooms: number; fr: Record<string, number>; res: Record<string, number> }>();
      for (const x of rooms) {
        if (!x.assigned.length) continue;
        const first = Math.min(...x.assigned);
        if (first < from || first >= to) continue;
        const reply = x.replies.filter((t) => t >= first).sort((a, b) => a - b)[0] ?? null;
        const resolve = x.resolves.length ? Math.max(...x.resolves) : null;
        const fr = verdict(reply, first, 900_000);
        const res = verdict(resolve !== null && resolve >= first ? resolve : null, first, 5_400_000);
        for (const k of ['all', x.channel]) {
          const w = want.get(k) ?? { rooms: 0, fr: { met: 0, breached: 0, pending: 0 }, res: { met: 0, breached: 0, pending: 0 } };
          w.rooms++;
          w.fr[fr]++;
          w.res[res]++;
          want.set(k, w);
        }
      }
      const got = (await srv.app.inject({ method: 'GET', url: `${R}/metrics/sla?from=2026-10-02&to=2026-10-08`, headers: bearer(srv.adminKey) })).json();
      const shape = (l: { rooms: number; met: number; breached: number; pending: number }) => ({ rooms: l.rooms, met: l.met, breached: l.breached, pending: l.pending });
      const all = want.get('all')!;
      expect(all.rooms).toBeGreaterThan(100);
      expect(all.fr.pending + all.res.pending).toBeGreaterThan(0);
      expect(shape(got.first_response)).toEqual({ rooms: all.rooms, ...all.fr });
      expect(shape(got.resolution)).toEqual({ rooms: all.rooms, ...all.res });
      for (const c of ['whatsapp', 'webchat', 'email']) {
        const row = got.channels.find((x: { channel: string }) => x.channel === c);
        const w = want.get(c)!;
        expect(shape(row.first_response), c).toEqual({ rooms: w.rooms, ...w.fr });
        expect(shape(row.resolution), c).toEqual({ rooms: w.rooms, ...w.res });
      }
    }
  }, 120_000);
});
