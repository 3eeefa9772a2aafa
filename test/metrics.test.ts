import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, EXAMPLE_EXPECTED, EXAMPLE_NDJSON, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * The metrics of the worked example (SPEC.md fixtures), through the real HTTP layer on
 * real chDB. Expected numbers come from spec-example.expected.json or are worked out by
 * hand in the comments, never from what the code printed.
 */

let s: TestServer;
const expected = JSON.parse(fs.readFileSync(EXAMPLE_EXPECTED, 'utf8')) as { requests: Array<{ get: string; expect: Record<string, unknown> }> };
const summaryRequests = expected.requests.filter((r) => r.get.includes('/metrics/summary'));

async function get(url: string, key = s.adminKey) {
  const r = await s.app.inject({ method: 'GET', url, headers: bearer(key) });
  return { status: r.statusCode, body: r.json() };
}

/** Deep comparison: numbers within 1e-3 relative (counts are integers, so they must match exactly), everything else equal. */
function expectClose(actual: unknown, want: unknown, path = ''): void {
  if (typeof want === 'number') {
    expect(typeof actual, `${path} is a number`).toBe('number');
    if (Number.isInteger(want) && !path.match(/avg|p50|p90|pct|rate/)) expect(actual, path).toBe(want);
    else expect(Math.abs((actual as number) - want), `${path}: ${actual} vs ${want}`).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(want)));
  } else if (want !== null && typeof want === 'object') {
    expect(actual, path).toBeTypeOf('object');
    for (const [k, v] of Object.entries(want)) expectClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    expect(actual, path).toEqual(want);
  }
}

beforeAll(async () => {
  s = await startServer();
  const r = await postNdjson(s.app, s.adminKey, fs.readFileSync(EXAMPLE_NDJSON));
  expect(r.json()).toMatchObject({ accepted: 42, duplicates: 2, rejected: 0 });
});
afterAll(async () => s?.close());

describe('summary of the worked example', () => {
  it('has both summary requests in the expected file', () => {
    expect(summaryRequests).toHaveLength(2);
  });

  for (const req of summaryRequests) {
    it(`GET ${req.get} gives every expected number`, async () => {
      const { status, body } = await get(req.get);
      expect(status).toBe(200);
      expectClose(body, req.expect);
      // exactly SPEC's keys, plus what we add (documented): previous, period, chats_by_channel, resolved, csat.requested
      expect(Object.keys(body).sort()).toEqual(['chats_by_channel', 'chats_by_origin', 'csat', 'first_response_time', 'period', 'previous', 'resolved', 'response_time', 'total_chats']);
      // resolved, counted by hand from the example: r1, r2, r4, r5 in October; r6 (resolved
      // 2026-10-31T17:45Z, 00:45 on 1 November in Jakarta) in November.
      expect(body.resolved).toBe(req.get.includes('from=2026-10-01') ? 4 : 1);
      expect(Object.keys(body.csat.scores)).toEqual(['1', '2', '3', '4', '5']);
    });
  }

  it('compares with the window asked for (compare_from / compare_to): a month with the whole month before, today so far with the same hours of yesterday', async () => {
    const base = '/api/v1/accounts/demo/metrics/summary';
    // November against October, whole: October's 7 chats (the worked example), not 1-31 October's 30 days before 1 December.
    const nov = (await get(`${base}?from=2026-11-01&to=2026-12-01&compare_from=2026-10-01&compare_to=2026-11-01`)).body;
    expect(nov.previous.total_chats).toBe(7);
    expect(nov.previous.period).toMatchObject({ from: '2026-10-01T00:00:00.000+07:00', to: '2026-11-01T00:00:00.000+07:00' });
    const plain = (await get(`${base}?from=2026-11-01&to=2026-12-01`)).body;
    expect(plain.total_chats).toBe(nov.total_chats);
    expect(plain.previous.period.from).toBe('2026-10-02T00:00:00.000+07:00');
    // 2 October (r2) against 1 October until 09:00 (r1 starts at 09:00: not before it), then until 09:30 (r1, resolved at 10:00).
    const at = (t: string) => encodeURIComponent(t);
    const day = (to: string) => get(`${base}?from=2026-10-02&to=2026-10-03&compare_from=2026-10-01&compare_to=${at(to)}`);
    const before9 = (await day('2026-10-01T09:00:00+07:00')).body;
    expect([before9.total_chats, before9.previous.total_chats]).toEqual([1, 0]);
    const before930 = (await day('2026-10-01T09:30:00+07:00')).body;
    expect([before930.previous.total_chats, before930.previous.resolved]).toEqual([1, 0]);
    // What is refused, by field.
    const bad = async (qs: string, field: string) => {
      const r = await get(`${base}?from=2026-10-02&to=2026-10-03&${qs}`);
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe(field);
    };
    await bad('compare_from=2026-10-01', 'compare_to');
    await bad('compare_to=2026-10-02', 'compare_from');
    await bad('compare_from=2026-10-01&compare_to=2026-10-04', 'compare_to');
    await bad('compare_from=2026-10-01&compare_to=2026-09-30', 'compare_to');
  });

  it('a test of this file can fail: a wrong expectation is caught', () => {
    expect(() => expectClose({ avg_s: 3975 }, { avg_s: 3980 })).toThrow();
    expect(() => expectClose({ count: 4 }, { count: 5 })).toThrow();
    expect(() => expectClose({ p50_s: null }, { p50_s: 3 })).toThrow();
  });

  it('previous is the window of the same length just before (hand-checked for November)', async () => {
    const { body } = await get('/api/v1/accounts/demo/metrics/summary?from=2026-11-01&to=2026-12-01');
    // [2026-10-02, 2026-11-01) Jakarta, 30 days: rooms r2 r3 r4 r5 r7 r6 start there.
    expect(body.previous.period).toEqual({ from: '2026-10-02T00:00:00.000+07:00', to: '2026-11-01T00:00:00.000+07:00', tz: 'Asia/Jakarta', business_hours: false });
    expectClose(body.previous, {
      total_chats: 6,
      chats_by_origin: { inbound: 4, broadcast: 1, outbound: 1 },
      // resolved in the window: r2 7200 s, r4 3600 s, r5 1800 s; p90 = 3600 + 0.8 * 3600
      response_time: { avg_s: 4200, p50_s: 3600, p90_s: 6480, count: 3 },
      // first assigned in the window: r2 60, r4 540 (its 10:00 template precedes the assignment), r5 60, r6 1500.25
      first_response_time: { avg_s: 540.0625, p50_s: 300, p90_s: 1212.175, count: 4 },
      csat: { responses: 2, avg_score: 3.5, csat_pct: 50, scores: { 1: 0, 2: 0, 3: 1, 4: 1, 5: 0 }, response_rate: 100 },
    });
  });
});

type Summary = { total_chats: number; chats_by_origin: Record<string, number>; chats_by_channel: Record<string, number>; response_time: D; first_response_time: D; csat: C };
type D = { avg_s: number | null; count: number };
type C = { responses: number; avg_score: number | null; requested: number; scores: Record<string, number> };

/** Rows (per agent, channel or bucket) add up to the summary: counts exactly, averages as count-weighted means. */
function expectAddsUp(rows: Summary[], total: Summary): void {
  const sum = (f: (r: Summary) => number) => rows.reduce((a, r) => a + f(r), 0);
  expect(sum((r) => r.total_chats)).toBe(total.total_chats);
  for (const k of Object.keys(total.chats_by_origin)) expect(sum((r) => r.chats_by_origin[k])).toBe(total.chats_by_origin[k]);
  for (const k of Object.keys(total.chats_by_channel)) expect(sum((r) => r.chats_by_channel[k])).toBe(total.chats_by_channel[k]);
  for (const m of ['response_time', 'first_response_time'] as const) {
    expect(sum((r) => r[m].count)).toBe(total[m].count);
    if (total[m].count) expect(sum((r) => (r[m].avg_s ?? 0) * r[m].count) / total[m].count).toBeCloseTo(total[m].avg_s!, 6);
  }
  expect(sum((r) => r.csat.responses)).toBe(total.csat.responses);
  for (const k of ['1', '2', '3', '4', '5']) expect(sum((r) => r.csat.scores[k])).toBe(total.csat.scores[k]);
  if (total.csat.responses) expect(sum((r) => (r.csat.avg_score ?? 0) * r.csat.responses) / total.csat.responses).toBeCloseTo(total.csat.avg_score!, 9);
}

describe('breakdowns add up', () => {
  const windows = ['from=2026-10-01&to=2026-11-01', 'from=2026-09-01&to=2026-12-01'];
  for (const w of windows) {
    it(`per agent and per channel (${w})`, async () => {
      const total = (await get(`/api/v1/accounts/demo/metrics/summary?${w}`)).body as Summary;
      const agents = (await get(`/api/v1/accounts/demo/metrics/agents?${w}`)).body.agents as Array<Summary & { agent_id: string | null }>;
      const channels = (await get(`/api/v1/accounts/demo/metrics/channels?${w}`)).body.channels as Array<Summary & { channel: string | null }>;
      expect(total.total_chats).toBeGreaterThan(0);
      expectAddsUp(agents, total);
      expectAddsUp(channels, total);
      expect(channels.map((c) => c.channel)).toEqual(['whatsapp', 'instagram', 'facebook', 'twitter', 'email', 'webchat', 'telegram', 'line']);
    });
  }

  it('per agent rows are the resolving agent, else the last assigned one (October by hand)', async () => {
    const { body } = await get('/api/v1/accounts/demo/metrics/agents?from=2026-10-01&to=2026-11-01');
    const by = Object.fromEntries(body.agents.map((a: Summary & { agent_id: string | null }) => [a.agent_id ?? '(none)', a]));
    expect(Object.keys(by).sort()).toEqual(['(none)', 'agent1', 'agent2', 'agent3']);
    // agent1: r1 (3300 s) and r5 (1800 s) resolved; CSAT 5 and 4
    expectClose(by.agent1, { total_chats: 2, response_time: { avg_s: 2550, count: 2 }, csat: { responses: 2, avg_score: 4.5, response_rate: 100 } });
    // agent2: r2 (7200 s); r6 resolves in November; first responses r2 60 s and r6 1500.25 s
    expectClose(by.agent2, { total_chats: 2, response_time: { avg_s: 7200, count: 1 }, first_response_time: { avg_s: 780.125, count: 2 } });
    // r3 (broadcast) and r7 (never assigned) have no agent
    expectClose(by['(none)'], { total_chats: 2, chats_by_origin: { inbound: 1, broadcast: 1, outbound: 0 } });
  });

  it('a filter by agent or channel gives that row', async () => {
    const w = 'from=2026-10-01&to=2026-11-01';
    const agents = (await get(`/api/v1/accounts/demo/metrics/agents?${w}`)).body.agents;
    const one = (await get(`/api/v1/accounts/demo/metrics/summary?${w}&agent=agent2`)).body;
    const { agent_id, ...row } = agents.find((a: { agent_id: string }) => a.agent_id === 'agent2');
    expect(agent_id).toBe('agent2');
    expectClose(one, row);
    const two = (await get(`/api/v1/accounts/demo/metrics/summary?${w}&agent=agent1&agent=agent3`)).body;
    expect(two.total_chats).toBe(3);
    const ig = (await get(`/api/v1/accounts/demo/metrics/summary?${w}&channel=instagram`)).body;
    expectClose(ig, { total_chats: 1, response_time: { avg_s: 1800, count: 1 }, csat: { responses: 1, avg_score: 4 } });
    const two2 = (await get(`/api/v1/accounts/demo/metrics/summary?${w}&channel=instagram,webchat`)).body;
    expect(two2.total_chats).toBe(2);
  });
});

describe('series', () => {
  const metrics = ['total_chats', 'response_time', 'first_response_time', 'csat'] as const;
  for (const interval of ['hour', 'day', 'week', 'month'] as const) {
    it(`${interval} buckets of every metric add up to the summary`, async () => {
      const w = interval === 'hour' ? 'from=2026-10-01&to=2026-11-01' : 'from=2026-09-15&to=2026-12-01';
      const total = (await get(`/api/v1/accounts/demo/metrics/summary?${w}`)).body as Summary;
      for (const metric of metrics) {
        const r = await get(`/api/v1/accounts/demo/metrics/timeseries?metric=${metric}&interval=${interval}&${w}`);
        expect(r.status).toBe(200);
        const b = r.body.buckets as Array<Record<string, unknown>>;
        const starts = b.map((x) => Date.parse(x.start as string));
        expect([...starts].sort((x, y) => x - y)).toEqual(starts);
        if (metric === 'total_chats') expectAddsUp(b.map((x) => ({ ...emptyish(), ...x }) as unknown as Summary), { ...emptyish(), total_chats: total.total_chats, chats_by_origin: total.chats_by_origin, chats_by_channel: total.chats_by_channel } as unknown as Summary);
        if (metric === 'response_time' || metric === 'first_response_time') {
          expect(b.reduce((a, x) => a + (x.count as number), 0)).toBe(total[metric].count);
          expect(b.reduce((a, x) => a + ((x.avg_s as number) ?? 0) * (x.count as number), 0) / total[metric].count).toBeCloseTo(total[metric].avg_s!, 6);
        }
        if (metric === 'csat') {
          expect(b.reduce((a, x) => a + (x.responses as number), 0)).toBe(total.csat.responses);
          expect(b.reduce((a, x) => a + (x.requested as number), 0)).toBe(total.csat.requested);
        }
      }
    });
  }

  it('lists empty buckets: 31 days of October, 744 hours, zeros and nulls', async () => {
    const day = (await get('/api/v1/accounts/demo/metrics/timeseries?metric=response_time&interval=day&from=2026-10-01&to=2026-11-01')).body;
    expect(day.buckets).toHaveLength(31);
    expect(day.buckets[0].start).toBe('2026-10-01T00:00:00.000+07:00');
    expect(day.buckets[30].start).toBe('2026-10-31T00:00:00.000+07:00');
    expect(day.buckets[2]).toEqual({ start: '2026-10-03T00:00:00.000+07:00', avg_s: null, p50_s: null, p90_s: null, count: 0 });
    // 1 October: r1 resolved, 3300 s
    expect(day.buckets[0]).toEqual({ start: '2026-10-01T00:00:00.000+07:00', avg_s: 3300, p50_s: 3300, p90_s: 3300, count: 1 });
    const hour = (await get('/api/v1/accounts/demo/metrics/timeseries?metric=total_chats&interval=hour&from=2026-10-01&to=2026-11-01')).body;
    expect(hour.buckets).toHaveLength(31 * 24);
    const week = (await get('/api/v1/accounts/demo/metrics/timeseries?metric=total_chats&interval=week&from=2026-10-01&to=2026-11-01')).body;
    // weeks start on Monday: 28 Sep (cut by the window: r1, r2), 5, 12, 19, 26 Oct
    expect(week.buckets.map((x: { start: string; total_chats: number }) => [x.start.slice(0, 10), x.total_chats])).toEqual([
      ['2026-09-28', 2],
      ['2026-10-05', 3],
      ['2026-10-12', 1],
      ['2026-10-19', 0],
      ['2026-10-26', 1],
    ]);
  });
});

function emptyish() {
  return {
    response_time: { avg_s: null, count: 0 },
    first_response_time: { avg_s: null, count: 0 },
    csat: { responses: 0, avg_score: null, requested: 0, scores: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } },
  };
}

describe('time zones', () => {
  it('tz=UTC moves r6 (resolved 17:45Z on 31 October = 00:45 on 1 November in Jakarta) from November to October', async () => {
    const jkt = (await get('/api/v1/accounts/demo/metrics/timeseries?metric=response_time&interval=month&from=2026-10-01&to=2026-12-01')).body;
    expect(jkt.period.tz).toBe('Asia/Jakarta');
    expect(jkt.buckets.map((b: { start: string; count: number; avg_s: number | null }) => [b.start, b.count, b.avg_s])).toEqual([
      ['2026-10-01T00:00:00.000+07:00', 4, 3975],
      ['2026-11-01T00:00:00.000+07:00', 1, 3600],
    ]);
    const utc = (await get('/api/v1/accounts/demo/metrics/timeseries?metric=response_time&interval=month&from=2026-10-01&to=2026-12-01&tz=UTC')).body;
    // October in UTC: r1 3300, r2 7200, r4 3600, r5 1800 and r6 3600 -> 19500 / 5
    expect(utc.buckets.map((b: { start: string; count: number; avg_s: number | null }) => [b.start, b.count, b.avg_s])).toEqual([
      ['2026-10-01T00:00:00.000+00:00', 5, 3900],
      ['2026-11-01T00:00:00.000+00:00', 0, null],
    ]);
    const novUtc = (await get('/api/v1/accounts/demo/metrics/summary?from=2026-11-01&to=2026-12-01&tz=UTC')).body;
    expect(novUtc.response_time).toEqual({ avg_s: null, p50_s: null, p90_s: null, count: 0 });
    expect(novUtc.total_chats).toBe(2);
    const octUtc = (await get('/api/v1/accounts/demo/metrics/summary?from=2026-10-01&to=2026-11-01&tz=UTC')).body;
    expect(octUtc.total_chats).toBe(7);
    expect(octUtc.response_time.count).toBe(5);
  });

  it('the heatmap places rooms in local weekday and hour', async () => {
    const jkt = (await get('/api/v1/accounts/demo/metrics/heatmap?from=2026-10-01&to=2026-11-01')).body;
    expect(jkt.total).toBe(7);
    // r1 starts Thursday 1 October 09:00 Jakarta; r6 Saturday 31 October 23:30 Jakarta
    expect(jkt.rooms[3][9]).toBe(1);
    expect(jkt.rooms[5][23]).toBe(1);
    const utc = (await get('/api/v1/accounts/demo/metrics/heatmap?from=2026-10-01&to=2026-11-01&tz=UTC')).body;
    // in UTC: r1 Thursday 02:00, r6 Saturday 16:30
    expect(utc.rooms[3][2]).toBe(1);
    expect(utc.rooms[5][16]).toBe(1);
    expect(utc.rooms[5][23]).toBe(0);
  });
});

describe('drill-down lists', () => {
  it('rooms of October, newest first, with every column (r5 and r6 by hand)', async () => {
    const { body } = await get('/api/v1/accounts/demo/rooms?from=2026-10-01&to=2026-11-01');
    expect(body.rooms.map((r: { room_id: string }) => r.room_id)).toEqual(['r6', 'r7', 'r5', 'r4', 'r3', 'r2', 'r1']);
    expect(body.rooms[0]).toEqual({
      room_id: 'r6',
      started_at: '2026-10-31T23:30:00.000+07:00',
      channel: 'whatsapp',
      contact_id: '6283333',
      origin: 'inbound',
      agent_id: 'agent2',
      first_assigned_at: '2026-10-31T23:45:00.000+07:00',
      first_response_s: 1500.25,
      resolved_at: '2026-11-01T00:45:00.000+07:00',
      response_s: 3600,
      csat_score: null,
      csat_comment: null,
    });
    expect(body.rooms[2]).toMatchObject({ room_id: 'r5', origin: 'inbound', channel: 'instagram', csat_score: 4, csat_comment: 'ok "mantap" 👍', response_s: 1800, first_response_s: 60 });
    expect(body.next_cursor).toBeNull();
  });

  it('filters, sorts and pages by cursor', async () => {
    const base = '/api/v1/accounts/demo/rooms?from=2026-10-01&to=2026-11-01';
    const slow = (await get(`${base}&min_response_s=3600&sort=-response_s`)).body.rooms.map((r: { room_id: string }) => r.room_id);
    expect(slow).toEqual(['r2', 'r4', 'r6']); // 7200, then 3600 twice in room_id order
    expect((await get(`${base}&min_response_s=3600&limit=1`)).body.total).toBe(3);
    expect((await get(`${base}&channel=telegram`)).body.total).toBe(0);
    expect((await get(`${base}&max_csat=3`)).body.rooms.map((r: { room_id: string }) => r.room_id)).toEqual(['r2']);
    // Scores: r1 5, r2 3, r5 4. Exactly 5, at least 4, and 3 to 4.
    const ids = async (qs: string) => (await get(`${base}&${qs}`)).body.rooms.map((r: { room_id: string }) => r.room_id).sort();
    expect(await ids('min_csat=5&max_csat=5')).toEqual(['r1']);
    expect(await ids('min_csat=4')).toEqual(['r1', 'r5']);
    expect(await ids('min_csat=3&max_csat=4')).toEqual(['r2', 'r5']);
    expect((await get(`${base}&resolved=false&sort=started_at`)).body.rooms.map((r: { room_id: string }) => r.room_id)).toEqual(['r3', 'r7']);
    // One room by id: r6 started on 31 October and was resolved in November, so November's
    // window finds it (an event in the window), with its own start; a window without its events does not.
    const r6 = (await get(`/api/v1/accounts/demo/rooms?from=2026-11-01&to=2026-12-01&room_id=r6`)).body;
    expect([r6.total, r6.rooms.map((r: { room_id: string; started_at: string }) => [r.room_id, r.started_at.slice(0, 10)])]).toEqual([1, [['r6', '2026-10-31']]]);
    expect((await get(`/api/v1/accounts/demo/rooms?from=2026-09-01&to=2026-10-01&room_id=r6`)).body.total).toBe(0);
    expect((await get(`${base}&room_id=r6&channel=telegram`)).body.total).toBe(0);
    // Unassigned rooms: the ones the unfiltered list shows without an agent; assigned the others.
    const all = (await get(`${base}&limit=500`)).body.rooms as Array<{ room_id: string; agent_id: string | null }>;
    const none = all.filter((r) => r.agent_id === null).map((r) => r.room_id).sort();
    expect(none.length).toBeGreaterThan(0);
    expect(await ids('assigned=false')).toEqual(none);
    expect(await ids('assigned=true')).toEqual(all.filter((r) => r.agent_id !== null).map((r) => r.room_id).sort());
    expect((await get(`${base}&assigned=false&resolved=false`)).body.total).toBe(all.filter((r) => r.agent_id === null && ['r3', 'r7'].includes(r.room_id)).length);
    // pages of 2, sorted by first response (rooms without one last): r2 60, r5 60, r1 300, r4 540, r6 1500.25, then r3, r7
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: { body: { rooms: Array<{ room_id: string }>; next_cursor: string | null; total: number | null } } = await get(`${base}&sort=first_response_s&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.rooms.map((r) => r.room_id));
      // Every page says how many rooms there are in all (issue 14 item 8).
      expect(page.body.total).toBe(7);
      cursor = page.body.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['r2', 'r5', 'r1', 'r4', 'r6', 'r3', 'r7']);
  });

  it('CSAT responses, newest first, paged', async () => {
    const base = '/api/v1/accounts/demo/csat/responses?from=2026-10-01&to=2026-11-01';
    const p1 = (await get(`${base}&limit=2`)).body;
    expect(p1.responses).toEqual([
      { room_id: 'r5', submitted_at: '2026-10-10T15:00:00.000+07:00', score: 4, comment: 'ok "mantap" 👍', agent_id: 'agent1', channel: 'instagram', contact_id: 'ig_cc' },
      { room_id: 'r2', submitted_at: '2026-10-02T12:00:00.000+07:00', score: 3, comment: null, agent_id: 'agent2', channel: 'whatsapp', contact_id: '6281111' },
    ]);
    const p2 = (await get(`${base}&limit=2&cursor=${p1.next_cursor}`)).body;
    expect(p2.responses.map((r: { room_id: string }) => r.room_id)).toEqual(['r1']);
    expect(p2.next_cursor).toBeNull();
    expect((await get(`${base}&max_score=3`)).body.responses.map((r: { score: number }) => r.score)).toEqual([3]);
  });
});

describe('retries', () => {
  it('a retried event changes nothing, even with different content', async () => {
    const urls = [
      '/api/v1/accounts/demo/metrics/summary?from=2026-10-01&to=2026-11-01',
      '/api/v1/accounts/demo/metrics/agents?from=2026-10-01&to=2026-11-01',
      '/api/v1/accounts/demo/rooms?from=2026-10-01&to=2026-12-01',
    ];
    const before = await Promise.all(urls.map((u) => get(u)));
    const again = await postNdjson(s.app, s.adminKey, fs.readFileSync(EXAMPLE_NDJSON));
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 44 });
    // the same id with another time and agent: a duplicate, the first stored stays
    const altered = { id: 'r1-res', type: 'room.resolved', account_id: 'demo', occurred_at: '2026-10-20T10:00:00+07:00', room_id: 'r1', agent_id: 'agent9' };
    expect((await postNdjson(s.app, s.adminKey, JSON.stringify(altered) + '\n')).json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const after = await Promise.all(urls.map((u) => get(u)));
    expect(after).toEqual(before);
  });

  it('a duplicate row that reached the store anyway (two servers racing) changes nothing', async () => {
    const url = '/api/v1/accounts/demo/metrics/summary?from=2026-10-01&to=2026-11-01';
    const before = await get(url);
    // Bypass the ingestion de-duplication: copy every stored row of the account once more.
    await s.db.command("INSERT INTO events SELECT * FROM events WHERE account_id = 'demo'");
    expect(await get(url)).toEqual(before);
    expect((await get('/api/v1/accounts/demo/csat/responses?from=2026-10-01&to=2026-11-01')).body.responses).toHaveLength(3);
  });
});

describe('OpenAPI', () => {
  it('documents every endpoint with its query parameters', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const base = '/api/v1/accounts/{account}';
    for (const p of ['/metrics/summary', '/metrics/timeseries', '/metrics/agents', '/metrics/channels', '/metrics/heatmap', '/rooms', '/csat/responses']) {
      const op = doc.paths[base + p]?.get;
      expect(op, p).toBeDefined();
      const names = op.parameters.filter((x: { in: string }) => x.in === 'query').map((x: { name: string }) => x.name);
      expect(names, p).toEqual(expect.arrayContaining(['from', 'to', 'tz', 'channel', 'agent', 'business_hours']));
    }
    const ts = doc.paths[`${base}/metrics/timeseries`].get.parameters.map((x: { name: string }) => x.name);
    expect(ts).toEqual(expect.arrayContaining(['metric', 'interval']));
    const rooms = doc.paths[`${base}/rooms`].get.parameters.map((x: { name: string }) => x.name);
    expect(rooms).toEqual(expect.arrayContaining(['min_response_s', 'max_csat', 'resolved', 'assigned', 'sort', 'limit', 'cursor']));
  });
});
