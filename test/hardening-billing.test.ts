import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clockFrom } from '../core/clock.ts';
import { bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * Issue 15 (item 3): one contact with tens of thousands of messages. Its billing must be
 * exact (a log spaced so that every number is known by hand), derived in pages (a small
 * page here, so the contact has many segments), re-derived only from the first changed
 * message on, and another account's reads must not wait for that derivation.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 09:00 on 2026-03-01 in Asia/Jakarta (UTC+7, no DST), the account's default zone. */
const START = Date.UTC(2026, 2, 1, 9) - 7 * HOUR;
/** Days of messages, and outbound replies a day (one a minute from 09:00:01). */
const DAYS = 200;
const REPLIES = 199;
const CONTACT = '628000000001';
/** Default plan (no plan.changed): rupiah per service / initiated conversation and per visitor; no free quota. */
const PRICE = { service: 275, initiated: 460, visitor: 600 };

// Day d: an inbound message at 09:00:00 (none when d % 7 = 6), then REPLIES outbound at
// 09:00:01 + k min (the first a template when d % 10 = 0). Each day's first reply opens a
// conversation (exactly 24 h after the previous one: the edge opens a new one), the others
// fall inside it. It is initiated when it is a template or when the day has no inbound
// (the latest one is then 24 h + 1 s old), else service. One visitor a month.
const noInbound = (d: number) => d % 7 === 6;
const template = (d: number) => d % 10 === 0;
const monthOf = (ms: number) => new Date(ms + 7 * HOUR).toISOString().slice(0, 7);

let seq = 0;
const message = (ms: number, direction: 'inbound' | 'outbound', extra: Record<string, unknown> = {}) => ({
  id: `h${seq++}`,
  type: 'message',
  account_id: 'heavy',
  occurred_at: new Date(ms).toISOString(),
  room_id: `room-${Math.floor(ms / DAY)}`,
  channel: 'whatsapp',
  contact_id: CONTACT,
  direction,
  ...(direction === 'outbound' ? { sender: 'bot' } : {}),
  ...extra,
});

function heavyLog(): object[] {
  const evs: object[] = [{ id: 'h-top', type: 'balance.topup', account_id: 'heavy', occurred_at: new Date(START - DAY).toISOString(), amount: 100_000_000 }];
  for (let d = 0; d < DAYS; d++) {
    const day = START + d * DAY;
    if (!noInbound(d)) evs.push(message(day, 'inbound'));
    for (let k = 0; k < REPLIES; k++) evs.push(message(day + 1000 + k * 60_000, 'outbound', k === 0 && template(d) ? { template: true } : {}));
  }
  return evs;
}

/** Per month: conversations by category and visitors, counted from the rules above, days given as [day, service?]. */
function expected(days: Array<[number, boolean]>): Map<string, { service: number; initiated: number; visitors: number }> {
  const out = new Map<string, { service: number; initiated: number; visitors: number }>();
  for (const [d, service] of days) {
    const m = monthOf(START + d * DAY);
    const e = out.get(m) ?? { service: 0, initiated: 0, visitors: 1 };
    if (service) e.service++;
    else e.initiated++;
    out.set(m, e);
  }
  return out;
}
const baseDays = (): Array<[number, boolean]> => Array.from({ length: DAYS }, (_, d) => [d, !template(d) && !noInbound(d)]);

let s: TestServer;
const get = async (url: string) => {
  const r = await s.app.inject({ url, headers: bearer(s.adminKey) });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json();
};
const post = async (evs: object[]) => {
  for (let i = 0; i < evs.length; i += 10_000) {
    const r = await postNdjson(s.app, s.adminKey, evs.slice(i, i + 10_000).map((e) => JSON.stringify(e)).join('\n'));
    expect(r.json().rejected, r.body).toBe(0);
  }
};
const AT = encodeURIComponent(new Date(START + (DAYS + 5) * DAY).toISOString());

/** Every month's usage and the balance's charges of `account` equal the hand count. */
async function expectNumbers(days: Array<[number, boolean]>, account = 'heavy'): Promise<void> {
  const want = expected(days);
  let charges = 0;
  for (const [month, e] of want) {
    const u = await get(`/api/v1/accounts/${account}/billing/usage?month=${month}`);
    expect({ month, service: u.mcc.service, initiated: u.mcc.initiated, total: u.mcc.total, visitors: u.muv.count }).toEqual({ month, ...e, total: e.service + e.initiated });
    charges += e.service * PRICE.service + e.initiated * PRICE.initiated + e.visitors * PRICE.visitor;
  }
  const b = await get(`/api/v1/accounts/${account}/billing/balance?at=${AT}`);
  expect(b.charges).toBe(charges);
  expect(b.balance).toBe(100_000_000 - charges);
}

/** The contact's live segment markers (derive.ts): end instant and the version that wrote it. */
const segments = async () =>
  s.db.query<{ end: string; version: string }>(
    "SELECT toString(toUnixTimestamp64Milli(t)) AS end, toString(version) AS version FROM billing_items FINAL WHERE account_id = 'heavy' AND kind = 2 AND month = toDate('1970-01-01') AND t > toDateTime64(0, 3, 'UTC') AND id = {id:String} ORDER BY t",
    { id: `whatsapp:${CONTACT}` },
  );

describe('billing: one contact with 40k messages', () => {
  const pageRows = process.env.BILLING_PAGE_ROWS;
  beforeAll(async () => {
    // 1,000 messages a page: 40 pages, so the contact is cut into many segments.
    process.env.BILLING_PAGE_ROWS = '1000';
    s = await startServer({}, { clock: clockFrom(START + (DAYS + 5) * DAY) });
    await post(heavyLog());
    await post([
      { id: 'l-top', type: 'balance.topup', account_id: 'light', occurred_at: new Date(START).toISOString(), amount: 5000 },
      ...[1, 2, 3].map((i) => ({ ...message(START + i * HOUR, 'inbound'), id: `l${i}`, account_id: 'light', contact_id: `62811${i}` })),
    ]);
  }, 120_000);
  afterAll(async () => {
    if (pageRows === undefined) delete process.env.BILLING_PAGE_ROWS;
    else process.env.BILLING_PAGE_ROWS = pageRows;
    await s?.close();
  });

  test('another account is answered while the big one is being derived', async () => {
    const light = `/api/v1/accounts/light/billing/balance?at=${AT}`;
    const before = await get(light);
    expect(before.balance).toBe(5000 - 3 * PRICE.visitor);
    let heavyDone = false;
    const heavy = get('/api/v1/accounts/heavy/billing/usage?month=2026-03').then((u) => {
      heavyDone = true;
      return u;
    });
    // Wait until the derivation has written its first pages: it is under way, with most pages to go.
    while ((await segments()).length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await get(light)).toEqual(before);
    // Structural, not timing: the light account's read did not wait for the heavy derivation.
    expect(heavyDone).toBe(false);
    await heavy;
    expect((await segments()).length).toBeGreaterThanOrEqual(30);
  }, 120_000);

  test('every month and the balance equal the hand count', async () => {
    await expectNumbers(baseDays());
  }, 60_000);

  test('a new message after the history re-derives the last page only', async () => {
    const before = await segments();
    // Day DAYS: an inbound at 09:00:00, a reply at 09:00:01 opens one more service conversation.
    const day = START + DAYS * DAY;
    await post([message(day, 'inbound'), message(day + 1000, 'outbound')]);
    await expectNumbers([...baseDays(), [DAYS, true]]);
    const after = await segments();
    // Every full segment is kept as it was written (same end, same version); only the last one is new.
    expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, before.length - 1));
    expect(after.length).toBeGreaterThanOrEqual(before.length);
  }, 60_000);

  test('a late message in the middle re-derives from its segment on, and its day turns service', async () => {
    const before = await segments();
    // Day 20 (20 % 7 = 6) had no inbound; an inbound at 08:59 makes its conversation service
    // (day 20 is also a template day: 20 % 10 = 0, so it stays initiated). Day 13 is not.
    const late = START + 13 * DAY - 60_000;
    await post([message(late, 'inbound')]);
    await expectNumbers([...baseDays().map(([d, svc]): [number, boolean] => [d, d === 13 ? true : svc]), [DAYS, true]]);
    const after = await segments();
    const kept = before.filter((x) => Number(x.end) < late);
    expect(kept.length).toBeGreaterThan(0);
    expect(after.slice(0, kept.length)).toEqual(kept);
    // The segments from the late message on were written again.
    expect(after.filter((x) => Number(x.end) >= late).every((x) => !before.some((b) => b.version === x.version))).toBe(true);
  }, 60_000);

  test('the same log arriving shuffled, in slices with reads between, then all again, gives the same numbers', async () => {
    // Seeded shuffle (mulberry32) of the log as account 'shuffled'. The first slice is
    // small (the contact starts on the SQL fold, then turns big), the later ones land all
    // over the derived segments: late, out of order, and finally every event repeated.
    let seed = 15;
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const log = heavyLog().map((e) => ({ ...e, account_id: 'shuffled' }));
    for (let i = log.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [log[i], log[j]] = [log[j], log[i]];
    }
    const cuts = [0, 100, 5_000, 20_000, log.length];
    for (let i = 1; i < cuts.length; i++) {
      await post(log.slice(cuts[i - 1], cuts[i]));
      await get('/api/v1/accounts/shuffled/billing/usage?month=2026-05');
    }
    await expectNumbers(baseDays(), 'shuffled');
    await post(log);
    await expectNumbers(baseDays(), 'shuffled');
  }, 120_000);
});
