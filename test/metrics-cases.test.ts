import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * Hand-made cases for the rules the worked example does not reach: business hours,
 * events arriving out of order, origins, the latest resolve / CSAT answer, attribution.
 * Every expected number is worked out by hand in the comments. Times are Jakarta (+07:00);
 * in October 2026 the 2nd is a Friday, the 3rd a Saturday, the 5th a Monday.
 */

let s: TestServer;
let n = 0;

type Ev = Record<string, unknown>;
const ev = (account: string, type: string, at: string, fields: Ev = {}): Ev => ({ id: `e${++n}`, type, account_id: account, occurred_at: `2026-${at}:00+07:00`, ...fields });
const msgIn = (a: string, at: string, room: string) => ev(a, 'message', at, { room_id: room, channel: 'whatsapp', contact_id: `c-${room}`, direction: 'inbound' });
const msgOut = (a: string, at: string, room: string, sender: string, agent?: string) =>
  ev(a, 'message', at, { room_id: room, channel: 'whatsapp', contact_id: `c-${room}`, direction: 'outbound', sender, ...(agent ? { agent_id: agent } : {}) });
const assigned = (a: string, at: string, room: string, agent: string) => ev(a, 'room.assigned', at, { room_id: room, agent_id: agent });
const resolved = (a: string, at: string, room: string, agent?: string) => ev(a, 'room.resolved', at, { room_id: room, ...(agent ? { agent_id: agent } : {}) });

async function post(events: Ev[]) {
  const r = await postNdjson(s.app, s.adminKey, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  expect(r.json(), r.body).toMatchObject({ accepted: events.length, rejected: 0 });
}
async function get(url: string) {
  const r = await s.app.inject({ method: 'GET', url, headers: bearer(s.adminKey) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}
async function putOfficeHours(account: string, office_hours: unknown) {
  const r = await s.app.inject({ method: 'PUT', url: `/api/v1/accounts/${account}/settings`, headers: { ...bearer(s.adminKey), 'content-type': 'application/json' }, payload: { office_hours } });
  expect(r.statusCode, r.body).toBe(200);
}
const near = (a: number | null, b: number) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(b)));

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => s?.close());

describe('business hours', () => {
  const A = 'bh';
  const OCT = `/api/v1/accounts/${A}/metrics/summary?from=2026-10-01&to=2026-11-01`;
  const weekdays = (spans: unknown) => Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, spans]));

  beforeAll(async () => {
    await post([
      // A: assigned Friday 16:00, reply 16:30, resolved Monday 10:00
      msgIn(A, '10-02T15:50', 'A'),
      assigned(A, '10-02T16:00', 'A', 'ann'),
      msgOut(A, '10-02T16:30', 'A', 'agent', 'ann'),
      resolved(A, '10-05T10:00', 'A', 'ann'),
      // B: all on Saturday: assigned 10:00, reply 11:00, resolved 12:00
      msgIn(A, '10-03T10:00', 'B'),
      assigned(A, '10-03T10:00', 'B', 'ann'),
      msgOut(A, '10-03T11:00', 'B', 'agent', 'ann'),
      resolved(A, '10-03T12:00', 'B', 'ann'),
      // C: Monday: assigned 08:30, reply 09:15, resolved 18:00
      msgIn(A, '10-05T08:00', 'C'),
      assigned(A, '10-05T08:30', 'C', 'bob'),
      msgOut(A, '10-05T09:15', 'C', 'agent', 'bob'),
      resolved(A, '10-05T18:00', 'C', 'bob'),
    ]);
  });

  it('calendar time: RT 237600, 7200, 34200 s; FRT 1800, 3600, 2700 s', async () => {
    const b = await get(OCT);
    expect(b.period.business_hours).toBe(false);
    // avg 279000 / 3; p90 = 34200 + 0.8 * (237600 - 34200)
    expect(b.response_time).toMatchObject({ avg_s: 93000, p50_s: 34200, count: 3 });
    near(b.response_time.p90_s, 196920);
    near(b.first_response_time.p90_s, 3420);
    expect(b.first_response_time).toMatchObject({ avg_s: 2700, p50_s: 2700, count: 3 });
  });

  it('without office hours, business_hours=true is calendar time (never a silent zero)', async () => {
    const cal = await get(OCT);
    const b = await get(`${OCT}&business_hours=true`);
    expect(b.period.business_hours).toBe(false);
    expect(b.response_time).toEqual(cal.response_time);
    expect(b.first_response_time).toEqual(cal.first_response_time);
  });

  it('Monday-Friday 09:00-17:00: only office time counts', async () => {
    await putOfficeHours(A, weekdays([{ from: '09:00', to: '17:00' }]));
    const b = await get(`${OCT}&business_hours=true`);
    expect(b.period.business_hours).toBe(true);
    // A: Fri 16-17 + Mon 09-10 = 7200; B: Saturday = 0; C: Mon 09:00-17:00 = 28800
    expect(b.response_time.count).toBe(3);
    near(b.response_time.avg_s, 12000);
    near(b.response_time.p50_s, 7200);
    near(b.response_time.p90_s, 24480);
    // A: 1800; B: 0; C: 09:00-09:15 = 900
    near(b.first_response_time.avg_s, 900);
    near(b.first_response_time.p50_s, 900);
    near(b.first_response_time.p90_s, 1620);
    // chats and CSAT do not change
    expect(b.total_chats).toBe(3);
    // without the flag: calendar time
    expect((await get(OCT)).response_time.avg_s).toBe(93000);
  });

  it('the same office time whatever the request tz (office hours are in the account time zone)', async () => {
    const b = await get(`${OCT}&business_hours=true&tz=UTC`);
    near(b.response_time.avg_s, 12000);
    near(b.first_response_time.avg_s, 900);
  });

  it('the drill-down, the agents and the series use office time too', async () => {
    const rooms = await get(`/api/v1/accounts/${A}/rooms?from=2026-10-01&to=2026-11-01&business_hours=true&sort=started_at`);
    expect(rooms.rooms.map((r: { room_id: string; response_s: number; first_response_s: number }) => [r.room_id, r.response_s, r.first_response_s])).toEqual([
      ['A', 7200, 1800],
      ['B', 0, 0],
      ['C', 28800, 900],
    ]);
    const agents = await get(`/api/v1/accounts/${A}/metrics/agents?from=2026-10-01&to=2026-11-01&business_hours=true`);
    const ann = agents.agents.find((x: { agent_id: string }) => x.agent_id === 'ann');
    near(ann.response_time.avg_s, 3600); // (7200 + 0) / 2
    const series = await get(`/api/v1/accounts/${A}/metrics/timeseries?metric=response_time&interval=day&from=2026-10-05&to=2026-10-06&business_hours=true`);
    // Monday 5th: A resolved (7200) and C resolved (28800); p90 = 7200 + 0.9 * 21600
    expect(series.buckets).toEqual([{ start: '2026-10-05T00:00:00.000+07:00', avg_s: 18000, p50_s: 18000, p90_s: expect.closeTo(26640, 6), count: 2 }]);
  });

  it('a lunch break, and overlapping spans counted once', async () => {
    await putOfficeHours(A, weekdays([{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }]));
    const lunch = await get(`${OCT}&business_hours=true`);
    // A: 7200; B: 0; C: 09-12 + 13-17 = 25200 -> 32400 / 3
    near(lunch.response_time.avg_s, 10800);
    await putOfficeHours(A, { mon: [{ from: '09:00', to: '12:00' }, { from: '11:00', to: '13:00' }] });
    const overlap = await get(`${OCT}&business_hours=true`);
    // Monday only, 09:00-13:00: A: Mon 09-10 = 3600; B: 0; C: 09-13 = 14400 -> 18000 / 3
    near(overlap.response_time.avg_s, 6000);
    // FRT: A Friday = 0; B 0; C 09:00-09:15 = 900
    near(overlap.first_response_time.avg_s, 300);
    await putOfficeHours(A, { sat: [{ from: '00:00', to: '24:00' }] });
    const saturday = await get(`${OCT}&business_hours=true`);
    // the whole Saturday: A spans it (86400), B lies in it (RT 7200, FRT 3600), C none
    expect(saturday.response_time).toMatchObject({ avg_s: 31200, count: 3 });
    expect(saturday.first_response_time).toMatchObject({ avg_s: 1200, count: 3 });
  });
});

describe('events out of order', () => {
  const A = 'ooo';
  const OCT = `/api/v1/accounts/${A}/metrics/summary?from=2026-10-01&to=2026-11-01`;

  it('first response follows the first assignment wherever it arrives from', async () => {
    await post([
      msgIn(A, '10-07T10:00', 'X'),
      msgOut(A, '10-07T10:10', 'X', 'agent', 'a1'),
      msgOut(A, '10-07T10:30', 'X', 'agent', 'a1'),
      assigned(A, '10-07T10:20', 'X', 'a1'),
      resolved(A, '10-07T11:00', 'X', 'a1'),
    ]);
    // first assignment 10:20; the 10:10 message is before it, so 10:30: 600 s; resolve 11:00: 2400 s
    let b = await get(OCT);
    expect(b.first_response_time).toMatchObject({ avg_s: 600, count: 1 });
    expect(b.response_time).toMatchObject({ avg_s: 2400, count: 1 });
    // an earlier assignment arrives late: the first assignment is now 10:05, answered at 10:10
    await post([assigned(A, '10-07T10:05', 'X', 'a2')]);
    b = await get(OCT);
    expect(b.first_response_time).toMatchObject({ avg_s: 300, count: 1 });
    expect(b.response_time).toMatchObject({ avg_s: 3300, count: 1 });
    // a later resolve by a3 counts (12:00 - 10:05 = 6900 s), and moves the room to a3
    await post([resolved(A, '10-07T12:00', 'X', 'a3')]);
    // an older resolve arriving after it changes nothing
    await post([resolved(A, '10-07T11:30', 'X', 'a4')]);
    b = await get(OCT);
    expect(b.response_time).toMatchObject({ avg_s: 6900, count: 1 });
    const agents = await get(`/api/v1/accounts/${A}/metrics/agents?from=2026-10-01&to=2026-11-01`);
    expect(agents.agents.map((x: { agent_id: string }) => x.agent_id)).toEqual(['a3']);
    const rooms = await get(`/api/v1/accounts/${A}/rooms?from=2026-10-01&to=2026-11-01`);
    expect(rooms.rooms[0]).toMatchObject({ first_assigned_at: '2026-10-07T10:05:00.000+07:00', resolved_at: '2026-10-07T12:00:00.000+07:00', agent_id: 'a3', response_s: 6900, first_response_s: 300 });
  });

  it('a room whose only agent messages come before its assignment has no first response', async () => {
    await post([msgOut(A, '10-08T09:00', 'Y', 'agent', 'a1'), msgIn(A, '10-08T09:30', 'Y'), assigned(A, '10-08T09:40', 'Y', 'a1')]);
    const b = await get(`/api/v1/accounts/${A}/metrics/summary?from=2026-10-08&to=2026-10-09`);
    expect(b.total_chats).toBe(1);
    expect(b.chats_by_origin).toEqual({ inbound: 0, broadcast: 0, outbound: 1 });
    expect(b.first_response_time.count).toBe(0);
  });

  it('a room resolved before its first assignment has no response time', async () => {
    await post([msgIn(A, '10-09T09:00', 'Z'), resolved(A, '10-09T09:10', 'Z'), assigned(A, '10-09T09:20', 'Z', 'a1')]);
    const b = await get(`/api/v1/accounts/${A}/metrics/summary?from=2026-10-09&to=2026-10-10`);
    expect(b.response_time.count).toBe(0);
  });
});

describe('origins and room start', () => {
  const A = 'orig';
  const OCT = `/api/v1/accounts/${A}/metrics/summary?from=2026-10-01&to=2026-11-01`;

  it('room.opened, else the first message: inbound first at one instant, broadcast, outbound', async () => {
    await post([
      // P: a broadcast and an inbound message at the same instant: inbound comes first
      msgOut(A, '10-10T10:00', 'P', 'broadcast'),
      msgIn(A, '10-10T10:00', 'P'),
      // Q: a broadcast only
      msgOut(A, '10-10T11:00', 'Q', 'broadcast'),
      // R: a bot speaks first
      msgOut(A, '10-10T12:00', 'R', 'bot'),
      msgIn(A, '10-10T12:05', 'R'),
      // S: inbound first, but room.opened (arriving later, dated later) says outbound: room.opened wins
      msgIn(A, '10-10T13:00', 'S'),
      ev(A, 'room.opened', '10-10T13:01', { room_id: 'S', channel: 'whatsapp', contact_id: 'c-S', origin: 'outbound' }),
      // T: starts with an assignment on 30 September (Jakarta), so it is not an October chat
      assigned(A, '09-30T23:00', 'T', 'a1'),
      msgIn(A, '10-01T01:00', 'T'),
      // U: nothing but an assignment: a chat without channel, counted as outbound
      assigned(A, '10-11T09:00', 'U', 'a1'),
    ]);
    const b = await get(OCT);
    expect(b.total_chats).toBe(5);
    expect(b.chats_by_origin).toEqual({ inbound: 1, broadcast: 1, outbound: 3 });
    expect(b.chats_by_channel.whatsapp).toBe(4);
    const rooms = await get(`/api/v1/accounts/${A}/rooms?from=2026-10-01&to=2026-11-01&sort=started_at`);
    expect(rooms.rooms.map((r: { room_id: string; origin: string; channel: string | null }) => [r.room_id, r.origin, r.channel])).toEqual([
      ['P', 'inbound', 'whatsapp'],
      ['Q', 'broadcast', 'whatsapp'],
      ['R', 'outbound', 'whatsapp'],
      ['S', 'outbound', 'whatsapp'],
      ['U', 'outbound', null],
    ]);
    // the channels table lists all eight, plus a null row for U, and still adds up
    const ch = await get(`/api/v1/accounts/${A}/metrics/channels?from=2026-10-01&to=2026-11-01`);
    expect(ch.channels).toHaveLength(9);
    expect(ch.channels[8]).toMatchObject({ channel: null, total_chats: 1 });
    expect(ch.channels.reduce((a: number, c: { total_chats: number }) => a + c.total_chats, 0)).toBe(5);
    const sept = await get(`/api/v1/accounts/${A}/metrics/summary?from=2026-09-30&to=2026-10-01`);
    expect(sept.total_chats).toBe(1);
  });
});

describe('a time zone with daylight saving', () => {
  const A = 'dst';
  // New York leaves daylight saving on Sunday 1 November 2026 at 02:00 (-04:00 -> -05:00).
  it('days are local days (one of 25 hours), hours are listed once each, dates are local midnights', async () => {
    await post([
      ev(A, 'message', '10-31T23:30', { room_id: 'n1', channel: 'email', contact_id: 'x', direction: 'inbound' }),
      { ...ev(A, 'message', '', { room_id: 'n2', channel: 'email', contact_id: 'x', direction: 'inbound' }), occurred_at: '2026-11-01T05:30:00Z' }, // 01:30 EDT
      { ...ev(A, 'message', '', { room_id: 'n3', channel: 'email', contact_id: 'x', direction: 'inbound' }), occurred_at: '2026-11-01T06:30:00Z' }, // 01:30 EST
      { ...ev(A, 'message', '', { room_id: 'n4', channel: 'email', contact_id: 'x', direction: 'inbound' }), occurred_at: '2026-11-02T04:59:59.999Z' }, // 23:59:59.999 EST
    ]);
    const tz = 'America/New_York';
    const day = await get(`/api/v1/accounts/${A}/metrics/timeseries?metric=total_chats&interval=day&from=2026-10-31&to=2026-11-03&tz=${tz}`);
    expect(day.period).toMatchObject({ from: '2026-10-31T00:00:00.000-04:00', to: '2026-11-03T00:00:00.000-05:00' });
    expect(day.buckets.map((b: { start: string; total_chats: number }) => [b.start, b.total_chats])).toEqual([
      ['2026-10-31T00:00:00.000-04:00', 1], // n1: 23:30 Jakarta on the 31st = 12:30 EDT on the 31st
      ['2026-11-01T00:00:00.000-04:00', 3], // n2, n3 and n4 (the 1st lasts 25 hours)
      ['2026-11-02T00:00:00.000-05:00', 0],
    ]);
    const hour = await get(`/api/v1/accounts/${A}/metrics/timeseries?metric=total_chats&interval=hour&from=2026-11-01&to=2026-11-02&tz=${tz}`);
    expect(hour.buckets).toHaveLength(25);
    expect(hour.buckets.slice(1, 3).map((b: { start: string; total_chats: number }) => [b.start, b.total_chats])).toEqual([
      ['2026-11-01T01:00:00.000-04:00', 1],
      ['2026-11-01T01:00:00.000-05:00', 1],
    ]);
  });
});

describe('CSAT', () => {
  const A = 'cs';
  const OCT = `/api/v1/accounts/${A}/metrics/summary?from=2026-10-01&to=2026-11-01`;
  const csat = (at: string, room: string, score: number, extra: Ev = {}) => ev(A, 'csat.submitted', at, { room_id: room, score, ...extra });
  const requested = (at: string, room: string) => ev(A, 'csat.requested', at, { room_id: room });

  it('the latest answer per room counts, the survey agent wins, the rate is answers / rooms asked', async () => {
    await post([
      // K: asked, answered 2 on the 12th, then 5 on the 13th (the 5 arrives first)
      msgIn(A, '10-12T09:00', 'K'),
      assigned(A, '10-12T09:01', 'K', 'kim'),
      resolved(A, '10-12T09:30', 'K', 'kim'),
      requested('10-12T09:31', 'K'),
      csat('10-13T10:00', 'K', 5),
      // L: resolved by lee, answered without a request, naming agent zed
      msgIn(A, '10-12T10:00', 'L'),
      assigned(A, '10-12T10:01', 'L', 'lee'),
      resolved(A, '10-12T10:30', 'L', 'lee'),
      csat('10-12T11:00', 'L', 1, { agent_id: 'zed', comment: 'slow' }),
      // M and N: asked, never answered (M assigned to kim)
      msgIn(A, '10-12T11:00', 'M'),
      assigned(A, '10-12T11:01', 'M', 'kim'),
      requested('10-12T11:30', 'M'),
      msgIn(A, '10-12T12:00', 'N'),
      requested('10-12T12:30', 'N'),
    ]);
    await post([csat('10-12T09:40', 'K', 2)]);
    const b = await get(OCT);
    // answers: K 5 (latest), L 1 -> avg 3, CSAT% 50; asked: K, M, N -> rate 2 / 3
    expect(b.csat).toMatchObject({ responses: 2, avg_score: 3, csat_pct: 50, scores: { 1: 1, 2: 0, 3: 0, 4: 0, 5: 1 }, requested: 3 });
    near(b.csat.response_rate, 66.667);
    // K's latest answer is on the 13th: the 12th has only L's
    const days = await get(`/api/v1/accounts/${A}/metrics/timeseries?metric=csat&interval=day&from=2026-10-12&to=2026-10-14`);
    expect(days.buckets.map((x: { responses: number; requested: number }) => [x.responses, x.requested])).toEqual([
      [1, 3],
      [1, 0],
    ]);
    const agents = await get(`/api/v1/accounts/${A}/metrics/agents?from=2026-10-01&to=2026-11-01`);
    const by = Object.fromEntries(agents.agents.map((x: { agent_id: string | null }) => [x.agent_id ?? '(none)', x]));
    // kim: K answered (5), asked K and M; zed: L's answer; lee: L's chat and resolve, no answer; N: no agent
    expect(by.kim.csat).toMatchObject({ responses: 1, avg_score: 5, requested: 2, response_rate: 50 });
    expect(by.zed.csat).toMatchObject({ responses: 1, avg_score: 1, requested: 0, response_rate: null });
    expect(by.zed.total_chats).toBe(0);
    expect(by.lee).toMatchObject({ total_chats: 1, csat: { responses: 0 } });
    expect(by['(none)'].csat).toMatchObject({ responses: 0, requested: 1 });
    const list = await get(`/api/v1/accounts/${A}/csat/responses?from=2026-10-01&to=2026-11-01`);
    expect(list.responses).toEqual([
      { room_id: 'K', submitted_at: '2026-10-13T10:00:00.000+07:00', score: 5, comment: null, agent_id: 'kim', channel: 'whatsapp', contact_id: 'c-K' },
      { room_id: 'L', submitted_at: '2026-10-12T11:00:00.000+07:00', score: 1, comment: 'slow', agent_id: 'zed', channel: 'whatsapp', contact_id: 'c-L' },
    ]);
    const zed = await get(`${OCT}&agent=zed`);
    expect(zed.csat).toMatchObject({ responses: 1, avg_score: 1 });
  });
});

describe('resolved rooms (issue 14 item 4)', () => {
  const A = 'res';
  it('count every room resolved in the window, assigned or not, per resolving agent', async () => {
    await post([
      // P: assigned to ann, resolved by ann: a response time (1 h) and a resolved room
      msgIn(A, '10-12T09:00', 'P'),
      assigned(A, '10-12T09:00', 'P', 'ann'),
      resolved(A, '10-12T10:00', 'P', 'ann'),
      // Q: never assigned, resolved with no agent (a bot): resolved, no response time, agent none
      msgIn(A, '10-12T11:00', 'Q'),
      resolved(A, '10-12T11:30', 'Q'),
      // R: never assigned, resolved by bob: resolved for bob, no response time
      msgIn(A, '10-12T12:00', 'R'),
      resolved(A, '10-12T12:30', 'R', 'bob'),
      // S: assigned to ann, not resolved: neither
      msgIn(A, '10-12T13:00', 'S'),
      assigned(A, '10-12T13:00', 'S', 'ann'),
      // T: resolved in November: not October's
      msgIn(A, '10-31T23:00', 'T'),
      resolved(A, '11-01T00:30', 'T'),
    ]);
    const oct = `from=2026-10-01&to=2026-11-01`;
    const b = await get(`/api/v1/accounts/${A}/metrics/summary?${oct}`);
    expect(b.total_chats).toBe(5);
    expect(b.resolved).toBe(3);
    expect(b.response_time).toMatchObject({ count: 1, avg_s: 3600 });
    const agents = await get(`/api/v1/accounts/${A}/metrics/agents?${oct}`);
    const by = Object.fromEntries(agents.agents.map((x: { agent_id: string | null; resolved: number; response_time: { count: number } }) => [x.agent_id ?? '(none)', [x.resolved, x.response_time.count]]));
    // ann: P resolved (with a response time), S open; bob: R; no agent: Q and T (T resolved in November)
    expect(by).toEqual({ ann: [1, 1], bob: [1, 0], '(none)': [1, 0] });
    const nov = await get(`/api/v1/accounts/${A}/metrics/summary?from=2026-11-01&to=2026-12-01`);
    expect(nov.resolved).toBe(1);
  });
});
