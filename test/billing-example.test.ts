import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, EXAMPLE_EXPECTED, EXAMPLE_NDJSON, postNdjson, shuffle, startServer, type TestServer } from './helpers.ts';

/**
 * The worked example of SPEC.md through the real HTTP path: every billing number of
 * spec-example.expected.json, the listings behind them, the statement and the ledger,
 * the same log shuffled and sent twice, and the parameter errors.
 */

let s: TestServer;
const expected = JSON.parse(fs.readFileSync(EXAMPLE_EXPECTED, 'utf8')) as {
  ingest: Record<string, number>;
  requests: Array<{ get: string; expect: Record<string, unknown> }>;
};
const lines = fs.readFileSync(EXAMPLE_NDJSON, 'utf8').split('\n').filter(Boolean);

const get = async (url: string, key = s.adminKey) => s.app.inject({ method: 'GET', url, headers: bearer(key) });
const ok = async (url: string) => {
  const r = await get(url);
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json();
};

/** `actual` has every field of `want` with the same value; numbers within 1e-3 relative (expected.json's rule). */
function expectSubset(actual: unknown, want: unknown, path = ''): void {
  if (want !== null && typeof want === 'object') {
    expect(actual, path).toBeTypeOf('object');
    for (const [k, v] of Object.entries(want)) expectSubset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else if (typeof want === 'number' && !Number.isInteger(want)) {
    expect(Math.abs((actual as number) - want) / Math.abs(want), path).toBeLessThanOrEqual(1e-3);
  } else {
    expect(actual, path).toStrictEqual(want);
  }
}

/** The same events under another account name, in a shuffled order (seeded). */
function asAccount(account: string, seed: number): string[] {
  return shuffle(
    lines.map((l) => JSON.stringify({ ...JSON.parse(l), account_id: account })),
    seed,
  );
}

beforeAll(async () => {
  s = await startServer();
  const r = await postNdjson(s.app, s.adminKey, lines.join('\n') + '\n');
  const { lines: _lines, ...counts } = expected.ingest;
  expect(r.json()).toMatchObject(counts);
});
afterAll(async () => s?.close());

describe('billing: the worked example', () => {
  const billing = expected.requests.filter((r) => r.get.includes('/billing/'));

  test('expected.json has billing requests to check', () => {
    expect(billing.length).toBeGreaterThanOrEqual(5);
  });

  for (const req of billing) {
    test(`GET ${req.get}`, async () => {
      expectSubset(await ok(req.get), req.expect);
    });
  }

  test('usage has exactly the SPEC shape', async () => {
    const u = await ok('/api/v1/accounts/demo/billing/usage?month=2026-10');
    expect(Object.keys(u).sort()).toEqual(['charges', 'mcc', 'month', 'muv']);
    expect(Object.keys(u.mcc).sort()).toEqual(
      ['billable_initiated', 'billable_service', 'carried_in', 'free_quota', 'free_used', 'initiated', 'remaining_quota', 'service', 'total'].sort(),
    );
    expect(Object.keys(u.muv).sort()).toEqual(['billable', 'count', 'free_quota', 'remaining_quota']);
    expect(Object.keys(u.charges).sort()).toEqual(['mcc_initiated', 'mcc_service', 'muv', 'total']);
  });

  test('balance shape and projection: 600 charged in the 7 days before 20 Oct 12:00 => 600/7 a day', async () => {
    const b = await ok('/api/v1/accounts/demo/billing/balance?at=2026-10-20T12:00:00%2B07:00');
    expect(b.as_of).toBe('2026-10-20T12:00:00.000+07:00');
    expect(b.projection.charges_7d).toBe(600); // wc_e, first seen 15 Oct
    expect(b.projection.daily_spend).toBeCloseTo(600 / 7, 9);
    // 7700 / (600/7) = 89.83 days after 20 Oct 12:00 Jakarta => 18 Jan 2027 (Jakarta)
    expect(b.projection.zero_on).toBe('2027-01-18');
    const quiet = await ok('/api/v1/accounts/demo/billing/balance?at=2026-11-30T00:00:00%2B07:00');
    expect(quiet.projection).toMatchObject({ daily_spend: 0, zero_on: null });
  });

  test('a charge counts from its exact millisecond: r6 conversation is free, r6 visitor is charged at 23:30 Jakarta', async () => {
    const before = await ok(`/api/v1/accounts/demo/billing/balance?at=${encodeURIComponent('2026-10-31T16:29:59.999Z')}`);
    const at = await ok(`/api/v1/accounts/demo/billing/balance?at=${encodeURIComponent('2026-10-31T16:30:00.000Z')}`);
    expect(before.charges + 600).toBe(at.charges);
  });

  test('conversations of November: why each rupiah was charged', async () => {
    const c = await ok('/api/v1/accounts/demo/billing/conversations?month=2026-11');
    expect(c.total).toBe(3);
    expect(c.quota).toEqual({ free_quota: 2, carried_in: 0, free_used: 2 });
    expect(c.conversations.map((x: { message_id: string; category: string; free: boolean; charge: number }) => [x.message_id, x.category, x.free, x.charge])).toEqual([
      ['r6-out1', 'service', true, 0],
      ['r8-bc', 'initiated', true, 0],
      ['r9-bc', 'initiated', false, 460],
    ]);
    expect(c.conversations[0]).toMatchObject({ opened_at: '2026-11-01T00:10:00.250+07:00', open_until: '2026-11-02T00:10:00.250+07:00', last_inbound_at: '2026-10-31T23:30:00.000+07:00', plan_id: 'p1' });
    // The why as a code the dashboard translates: r6 answered the contact; r8 and r9 are broadcasts.
    expect(c.conversations.map((x: { reason_code: string }) => x.reason_code)).toEqual(['contact_wrote', 'template', 'template']);
    expect(c.conversations[0].reason).toBe('service: the contact wrote at 2026-10-31T23:30:00.000+07:00, within the 24 h before');
  });

  test('conversations of October: r2 opens a second service conversation 16 minutes after r1 closed', async () => {
    const c = await ok('/api/v1/accounts/demo/billing/conversations?month=2026-10');
    expect(c.conversations.map((x: { message_id: string; category: string }) => [x.message_id, x.category])).toEqual([
      ['r1-out1', 'service'],
      ['r2-out1', 'service'],
      ['r3-bc', 'initiated'],
      ['r4-hsm', 'initiated'],
    ]);
    expect(c.conversations.every((x: { free: boolean }) => x.free)).toBe(true);
    const page = await ok('/api/v1/accounts/demo/billing/conversations?month=2026-10&limit=3&offset=2');
    expect(page.conversations.map((x: { seq: number }) => x.seq)).toEqual([3, 4]);
    expect(page.next_offset).toBe(null);
    expect((await ok('/api/v1/accounts/demo/billing/conversations?month=2026-10&limit=2')).next_offset).toBe(2);
  });

  test('visitors of October: the first is free, four are charged 600', async () => {
    const v = await ok('/api/v1/accounts/demo/billing/visitors?month=2026-10');
    expect(v.visitors.map((x: { channel: string; contact_id: string; free: boolean; charge: number }) => [x.channel, x.contact_id, x.free, x.charge])).toEqual([
      ['whatsapp', '6281111', true, 0],
      ['whatsapp', '6282222', false, 600],
      ['instagram', 'ig_cc', false, 600],
      ['webchat', 'wc_e', false, 600],
      ['whatsapp', '6283333', false, 600],
    ]);
  });

  test('statement: usage per month, money in, opening and closing balances chain', async () => {
    const st = await ok('/api/v1/accounts/demo/billing/statement?from=2026-08&to=2026-12');
    expect(st.first_month).toBe('2026-09');
    expect(st.months.map((m: { month: string }) => m.month)).toEqual(['2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    const oct = st.months[2];
    expect(oct).toMatchObject({ topups: 10000, adjustments: -500, opening_balance: 0, closing_balance: 7100, plan_id: 'p1' });
    expect(oct.charges.total).toBe(2400);
    expect(st.months[3]).toMatchObject({ opening_balance: 7100, closing_balance: 6640 });
    for (let i = 1; i < st.months.length; i++) expect(st.months[i].opening_balance).toBe(st.months[i - 1].closing_balance);
    // August is before the first event: default plan, nothing carried
    expect(st.months[0].mcc).toMatchObject({ free_quota: 0, carried_in: 0, total: 0 });
    expect(st.months[0].plan_id).toBe(null);
    // The month's plan, quotas and prices: p1 of the example (line 1), the default plan before it.
    expect(oct.plan).toEqual({ id: 'p1', mcc_free_monthly: 2, muv_free_monthly: 1, price_mcc_service: 275, price_mcc_initiated: 460, price_muv: 600, mcc_rollover: true });
    expect(st.months[0].plan.id).toBe(null);
    // The statement's months are the usage endpoint's months
    for (const m of st.months.slice(1, 4)) {
      const u = await ok(`/api/v1/accounts/demo/billing/usage?month=${m.month}`);
      expect({ month: m.month, mcc: m.mcc, muv: m.muv, charges: m.charges }).toEqual(u);
    }
  });

  test('transactions: each top-up and adjustment with its reference or reason, once however often stored', async () => {
    // Read from the example's own lines: t1 (stored twice, lines 2 and 44) and adj1.
    const money = lines.map((l) => JSON.parse(l)).filter((e) => e.type === 'balance.topup' || e.type === 'balance.adjustment');
    expect(money.map((e) => e.id)).toEqual(['t1', 'adj1', 't1']);
    const t = await ok('/api/v1/accounts/demo/billing/transactions?from=2026-10-01&to=2026-11-01');
    expect(t).toMatchObject({ from: '2026-10-01T00:00:00.000+07:00', to: '2026-11-01T00:00:00.000+07:00', currency: 'IDR', total: 2, offset: 0, next_offset: null });
    expect(t.transactions).toEqual([
      { id: 't1', type: 'topup', occurred_at: '2026-10-01T08:00:00.000+07:00', amount: 10000, reference: 'INV-1', reason: null },
      { id: 'adj1', type: 'adjustment', occurred_at: '2026-10-20T09:00:00.000+07:00', amount: -500, reason: 'correction', reference: null },
    ]);
    // Their sum is the statement's money in of October.
    const oct = (await ok('/api/v1/accounts/demo/billing/statement?from=2026-10&to=2026-10')).months[0];
    expect(t.transactions.reduce((a: number, x: { amount: number }) => a + x.amount, 0)).toBe(oct.topups + oct.adjustments);
    // Pages, and a window that cuts between them ([from, to) in Jakarta time).
    expect(await ok('/api/v1/accounts/demo/billing/transactions?from=2026-10-01&to=2026-11-01&limit=1&offset=1')).toMatchObject({ total: 2, next_offset: null, transactions: [{ id: 'adj1' }] });
    expect(await ok('/api/v1/accounts/demo/billing/transactions?from=2026-10-01&to=2026-11-01&limit=1')).toMatchObject({ total: 2, next_offset: 1, transactions: [{ id: 't1' }] });
    expect(await ok('/api/v1/accounts/demo/billing/transactions?from=2026-10-01&to=2026-11-01&offset=5')).toMatchObject({ total: 2, next_offset: null, transactions: [] });
    expect((await ok('/api/v1/accounts/demo/billing/transactions?from=2026-10-01T08:00:00.001%2B07:00&to=2026-10-20T09:00:00.001%2B07:00')).transactions.map((x: { id: string }) => x.id)).toEqual(['adj1']);
    expect((await ok('/api/v1/accounts/demo/billing/transactions?from=2026-11-01&to=2026-12-01')).total).toBe(0);
  });

  test('ledger: daily buckets in Jakarta time with a running balance that ends at the balance', async () => {
    const l = await ok('/api/v1/accounts/demo/billing/ledger?from=2026-09-01&to=2026-12-01&interval=day');
    expect(l.rows).toHaveLength(91);
    expect(l.rows[0]).toMatchObject({ bucket: '2026-09-01', start: '2026-09-01T00:00:00.000+07:00', opening_balance: 0 });
    const oct31 = l.rows.find((r: { bucket: string }) => r.bucket === '2026-10-31');
    expect(oct31.charges).toEqual({ mcc_service: 0, mcc_initiated: 0, muv: 600, total: 600 });
    const end = await ok(`/api/v1/accounts/demo/billing/balance?at=${encodeURIComponent('2026-11-30T16:59:59.999Z')}`);
    expect(l.closing_balance).toBe(end.balance);
    const monthly = await ok('/api/v1/accounts/demo/billing/ledger?from=2026-09-01&to=2026-12-01&interval=month');
    expect(monthly.rows.map((r: { bucket: string; closing_balance: number }) => [r.bucket, r.closing_balance])).toEqual([
      ['2026-09', 0],
      ['2026-10', 7100],
      ['2026-11', 6640],
    ]);
    const ts = await ok(`/api/v1/accounts/demo/billing/ledger?from=${encodeURIComponent('2026-10-20T12:00:00+07:00')}&to=2026-10-21`);
    expect(ts.opening_balance).toBe(7700); // the adjustment of 09:00 is before from
    expect(ts.rows).toHaveLength(1);
  });

  test('the same log shuffled and sent twice, as another account, gives the same numbers', async () => {
    const shuffled = asAccount('demo2', 7);
    const first = await postNdjson(s.app, s.adminKey, shuffled.slice(0, 20).join('\n'));
    expect(first.statusCode).toBe(200);
    // a read between the halves makes the second half arrive late, into a derived state
    await ok('/api/v1/accounts/demo2/billing/usage?month=2026-10');
    await postNdjson(s.app, s.adminKey, shuffled.slice(20).join('\n'));
    const again = await postNdjson(s.app, s.adminKey, asAccount('demo2', 11).join('\n'));
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: lines.length });
    for (const req of billing) expectSubset(await ok(req.get.replace('/demo/', '/demo2/')), req.expect);
    for (const m of ['2026-10', '2026-11']) {
      for (const what of ['conversations', 'visitors']) {
        const a = await ok(`/api/v1/accounts/demo/billing/${what}?month=${m}`);
        const b = await ok(`/api/v1/accounts/demo2/billing/${what}?month=${m}`);
        expect(b).toEqual(a);
      }
    }
  });

  test('a later plan in another time zone re-cuts every month in it (the account time zone is the latest plan\'s)', async () => {
    await postNdjson(s.app, s.adminKey, asAccount('demo3', 3).join('\n'));
    const jakarta = await ok('/api/v1/accounts/demo3/billing/usage?month=2026-10');
    expect(jakarta.mcc.total).toBe(4);
    // Same quotas and prices from December, but in UTC: r6's reply (17:10Z on 31 Oct) is
    // now an October conversation, the 5th of October, after the 4 free ones: 275 charged.
    const p2 = { ...JSON.parse(lines[0]), id: 'p2', account_id: 'demo3', occurred_at: '2026-12-01T00:00:00Z', timezone: 'UTC' };
    expect((await postNdjson(s.app, s.adminKey, JSON.stringify(p2))).json()).toMatchObject({ accepted: 1 });
    const oct = await ok('/api/v1/accounts/demo3/billing/usage?month=2026-10');
    expect(oct.mcc).toMatchObject({ service: 3, initiated: 2, total: 5, carried_in: 2, free_used: 4, billable_service: 1, billable_initiated: 0 });
    expect(oct.charges).toEqual({ mcc_service: 275, mcc_initiated: 0, muv: 2400, total: 2675 });
    const nov = await ok('/api/v1/accounts/demo3/billing/usage?month=2026-11');
    expect(nov.mcc).toMatchObject({ service: 0, initiated: 2, total: 2, carried_in: 0, free_used: 2 });
    expect(nov.charges.total).toBe(0);
    const c = await ok('/api/v1/accounts/demo3/billing/conversations?month=2026-10');
    expect(c.conversations.map((x: { message_id: string; charge: number }) => [x.message_id, x.charge]).at(-1)).toEqual(['r6-out1', 275]);
    const l = await ok('/api/v1/accounts/demo3/billing/ledger?from=2026-10-31&to=2026-11-01');
    expect(l.rows[0]).toMatchObject({ bucket: '2026-10-31', start: '2026-10-31T00:00:00.000+00:00' });
  });

  test('an account key reads its own billing, not another account', async () => {
    const key = await s.accountKey('demo');
    expect((await get('/api/v1/accounts/demo/billing/usage?month=2026-10', key)).statusCode).toBe(200);
    expect((await get('/api/v1/accounts/demo2/billing/usage?month=2026-10', key)).statusCode).toBe(403);
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/accounts/demo/billing/balance' })).statusCode).toBe(401);
  });

  test('an account without events has zero usage under the default plan', async () => {
    const u = await ok('/api/v1/accounts/nobody/billing/usage?month=2026-10');
    expect(u.mcc).toMatchObject({ total: 0, free_quota: 0, carried_in: 0 });
    expect(u.charges.total).toBe(0);
    expect((await ok('/api/v1/accounts/nobody/billing/balance')).balance).toBe(0);
  });
});

describe('billing: bad parameters give 400 with the field', () => {
  const cases: Array<[string, string]> = [
    ['/billing/usage?month=2026-13', 'month'],
    ['/billing/usage?month=2026-1', 'month'],
    ['/billing/usage?month=oct', 'month'],
    ['/billing/balance?at=yesterday', 'at'],
    ['/billing/balance?at=2026-10-20', 'at'],
    ['/billing/balance?at=2026-02-30T00:00:00Z', 'at'],
    ['/billing/balance?at=2026-10-20T25:00:00Z', 'at'],
    ['/billing/statement?from=2026-11&to=2026-10', 'from'],
    ['/billing/statement?from=2026-00&to=2026-10', 'from'],
    ['/billing/statement?to=2026-10', 'from'],
    ['/billing/statement?from=2000-01&to=2026-10', 'to'],
    ['/billing/ledger?from=2026-10-02&to=2026-10-01', 'from'],
    ['/billing/ledger?from=2026-10-32&to=2026-11-01', 'from'],
    ['/billing/ledger?from=2026-10-01&to=soon', 'to'],
    ['/billing/ledger?from=2026-10-01&to=2026-11-01&interval=week', 'interval'],
    ['/billing/ledger?from=2000-01-01&to=2026-11-01&interval=day', 'to'],
    ['/billing/conversations?month=2026-13', 'month'],
    ['/billing/conversations?month=2026-10&limit=0', 'limit'],
    ['/billing/visitors?month=2026-10&offset=-1', 'offset'],
    ['/billing/transactions?from=2026-10-02&to=2026-10-01', 'from'],
    ['/billing/transactions?to=2026-10-01', 'from'],
    ['/billing/transactions?from=2026-10-01&to=later', 'to'],
  ];
  for (const [path, field] of cases) {
    test(`${path} -> 400 ${field}`, async () => {
      const r = await get(`/api/v1/accounts/demo${path}`);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'invalid_parameter', field });
    });
  }
});

describe('billing: OpenAPI', () => {
  test('documents every billing path', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const p of ['usage', 'balance', 'statement', 'ledger', 'conversations', 'visitors', 'transactions', 'alerts']) {
      expect(doc.paths[`/api/v1/accounts/{account}/billing/${p}`]?.get, p).toBeDefined();
    }
  });
});
