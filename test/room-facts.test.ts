import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateFleet } from '../tools/demo.ts';
import { replayRecentBatches } from '../sql/replay.ts';
import { postNdjson, shuffle, startServer, type TestServer } from './helpers.ts';

/**
 * The metrics read room_day_facts (sql/migrations/033), rewritten from room_state after
 * every stored batch. The same generated log (2,500 events over three months) goes to
 * three accounts:
 * - `inorder`: in time order, one request;
 * - `shuffled`: shuffled, in 25 requests with reads between them (late events move rooms'
 *   starts, assignments and resolves across days and months after they were first
 *   read), and a slice sent again;
 * - `crashed`: as if a process died between a batch's insert and its refresh: events put
 *   straight into the store, then the client's retry, or the startup replay, mends them.
 * Every answer below must be the same for all of them, windows of a day, a week and a
 * month, in office hours too. They are compared with `inorder`'s, which is itself checked
 * against a count straight from the events (a second computation, not through the facts).
 */

let s: TestServer;
// READ_CACHE_ENTRIES=0: every answer is computed, none remembered between the deliveries.
beforeAll(async () => {
  s = await startServer({ READ_CACHE_ENTRIES: '0' });
});
afterAll(async () => s?.close());

const log = [...generateFleet({ seed: 5, accounts: 1, totalEvents: 2500, from: new Date('2026-09-01T00:00:00+07:00'), to: new Date('2026-12-01T00:00:00+07:00') })];
const as = (account: string, events: Array<Record<string, unknown>>) => events.map((e) => JSON.stringify({ ...e, account_id: account })).join('\n');

const WINDOWS = [
  'from=2026-09-01&to=2026-12-01',
  'from=2026-10-01&to=2026-11-01',
  'from=2026-10-12&to=2026-10-19',
  'from=2026-11-03&to=2026-11-04',
  'from=2026-11-03T10:00:00%2B07:00&to=2026-11-03T14:00:00%2B07:00',
];
const PATHS = [
  'metrics/summary?',
  'metrics/summary?business_hours=true&',
  'metrics/timeseries?metric=total_chats&interval=day&',
  'metrics/timeseries?metric=response_time&interval=week&',
  'metrics/timeseries?metric=first_response_time&interval=day&',
  'metrics/timeseries?metric=csat&interval=day&',
  'metrics/agents?',
  'metrics/channels?',
  'metrics/heatmap?',
  'rooms?limit=500&',
  'csat/responses?limit=500&',
];

async function answers(account: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const w of WINDOWS) {
    for (const p of PATHS) {
      const url = `/api/v1/accounts/${account}/${p}${w}`;
      const r = await s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${s.adminKey}` } });
      expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
      out[`${p}${w}`] = r.json();
    }
  }
  return out;
}

const post = async (body: string) => {
  const r = await postNdjson(s.app, s.adminKey, body);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { accepted: number; duplicates: number };
};

describe('room facts kept by window', () => {
  let reference: Record<string, unknown>;

  test('in order: total chats equal a count of room starts straight from the events', async () => {
    await post(as('inorder', log));
    reference = await answers('inorder');
    // A room's start is its earliest event of any kind (SPEC "Total chats").
    const starts = new Map<string, number>();
    for (const e of log) {
      if (typeof e.room_id !== 'string') continue;
      const t = Date.parse(e.occurred_at as string);
      starts.set(e.room_id, Math.min(starts.get(e.room_id) ?? Infinity, t));
    }
    for (const w of WINDOWS) {
      const q = new URLSearchParams(w);
      const lo = Date.parse(q.get('from')!.length === 10 ? `${q.get('from')}T00:00:00+07:00` : q.get('from')!);
      const hi = Date.parse(q.get('to')!.length === 10 ? `${q.get('to')}T00:00:00+07:00` : q.get('to')!);
      const want = [...starts.values()].filter((t) => t >= lo && t < hi).length;
      expect((reference[`metrics/summary?${w}`] as { total_chats: number }).total_chats, w).toBe(want);
    }
    expect((reference[`metrics/summary?${WINDOWS[0]}`] as { total_chats: number }).total_chats).toBeGreaterThan(100);
  });

  test('shuffled, in 25 requests with reads between, and a slice again: the same answers', async () => {
    const events = shuffle(log, 17);
    const per = Math.ceil(events.length / 25);
    for (let i = 0; i < events.length; i += per) {
      await post(as('shuffled', events.slice(i, i + per)));
      if (i % (per * 8) === 0) await s.app.inject({ method: 'GET', url: `/api/v1/accounts/shuffled/metrics/summary?${WINDOWS[1]}`, headers: { authorization: `Bearer ${s.adminKey}` } });
    }
    const again = await post(as('shuffled', events.slice(0, 300)));
    expect(again).toMatchObject({ accepted: 0, duplicates: 300 });
    expect(await answers('shuffled')).toEqual(reference);
  });

  test('events stored without their refresh (a crash) are mended by the retry of the same lines', async () => {
    const half = log.length >> 1;
    await post(as('crashed', log.slice(0, half)));
    // The second half straight into the store, as a batch whose process died before its refresh.
    await s.db.command(`INSERT INTO events FORMAT JSONEachRow ${as('crashed', log.slice(half))}`, undefined, { date_time_input_format: 'best_effort', input_format_skip_unknown_fields: 1 });
    expect(await answers('crashed')).not.toEqual(reference);
    // A restarted process loads the stored ids into its duplicate filter (api/main.ts).
    await s.app.ctx.dedup.load();
    const retry = await post(as('crashed', log.slice(half)));
    expect(retry).toMatchObject({ accepted: 0, duplicates: log.length - half });
    expect(await answers('crashed')).toEqual(reference);
  });

  test('and by the startup replay of the last batches', async () => {
    await s.db.command(`INSERT INTO events FORMAT JSONEachRow ${as('replayed', log)}`, undefined, { date_time_input_format: 'best_effort', input_format_skip_unknown_fields: 1 });
    expect(await answers('replayed')).not.toEqual(reference);
    await replayRecentBatches(s.db);
    expect(await answers('replayed')).toEqual(reference);
  });
});
