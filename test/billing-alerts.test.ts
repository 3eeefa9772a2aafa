import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sign, verify } from '../core/webhooks.ts';
import { saveAlert } from '../sql/alerts.ts';
import { clockFrom } from '../core/clock.ts';
import { SLOW, bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * Low-balance alerts end to end: ingestion -> balance check -> one signed webhook per
 * crossing to a local receiver on 127.0.0.1, retries ending as failed, and the list at
 * GET /billing/alerts.
 */

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let s: TestServer;
let receiver: http.Server;
let base = '';
const received: Received[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.statusCode = req.url?.startsWith('/fail') ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  s = await startServer({ WEBHOOK_ALLOW: '127.0.0.1' }, { clock });
  const alerter = s.app.ctx.alerter;
  // Short waits in tests; the defaults are 1 s debounce and retries after 1 s, 10 s, 60 s, 5 min.
  Object.assign(alerter.options, { debounceMs: 10, backoffMs: [20, 40], timeoutMs: 2000 * SLOW });
});
afterAll(async () => {
  await s?.close();
  await new Promise((r) => receiver?.close(r));
});

// The service's "now", mid-month whatever the day: the balances below never straddle a month's quota.
const NOW = Date.parse('2026-11-16T10:00:00+07:00');
const clock = clockFrom(NOW);
let seq = 0;
const at = (agoMs: number) => new Date(NOW - agoMs).toISOString();
const topup = (account: string, amount: number, agoMs: number) => ({ id: `t${seq++}`, type: 'balance.topup', account_id: account, occurred_at: at(agoMs), amount });
/** An inbound message from a new contact: a visitor, 600 under the default plan (no free visitors). */
const visitor = (account: string, agoMs: number) => ({
  id: `m${seq++}`,
  type: 'message',
  account_id: account,
  occurred_at: at(agoMs),
  room_id: `r${seq}`,
  channel: 'webchat',
  contact_id: `c${seq}`,
  direction: 'inbound',
});

async function send(events: object[]): Promise<void> {
  const r = await postNdjson(s.app, s.adminKey, events.map((e) => JSON.stringify(e)).join('\n'));
  expect(r.json()).toMatchObject({ accepted: events.length, rejected: 0 });
  await s.app.ctx.alerter.idle();
}

const put = (account: string, body: object) =>
  s.app.inject({ method: 'PUT', url: `/api/v1/accounts/${account}/settings`, headers: bearer(s.adminKey), payload: body });
const alerts = async (account: string) => (await s.app.inject({ method: 'GET', url: `/api/v1/accounts/${account}/billing/alerts`, headers: bearer(s.adminKey) })).json();
const HOUR = 3_600_000;

describe('low-balance alerts', () => {
  test('settings: null clears the threshold and the webhook, 0 stays 0 (no type coercion of the body)', async () => {
    expect((await put('clearing', { low_balance_threshold: 0, webhook_url: 'https://example.com/h' })).json()).toMatchObject({ low_balance_threshold: 0, webhook_url: 'https://example.com/h' });
    expect((await put('clearing', { low_balance_threshold: 2500 })).json().low_balance_threshold).toBe(2500);
    const cleared = (await put('clearing', { low_balance_threshold: null, webhook_url: null })).json();
    expect(cleared).toMatchObject({ low_balance_threshold: null, webhook_url: null });
    const bad = await put('clearing', { low_balance_threshold: 'twelve' });
    expect([bad.statusCode, bad.json().error?.field]).toEqual([400, 'low_balance_threshold']);
  });

  test('one signed webhook per crossing below the threshold; re-armed by a top-up', async () => {
    const set = await put('lowbal', { low_balance_threshold: 1000, webhook_url: `${base}/hook` });
    expect(set.statusCode).toBe(200);
    const secret = set.json().webhook_secret as string;
    expect(secret).toBeTruthy();

    await send([topup('lowbal', 2000, 48 * HOUR)]);
    await send([visitor('lowbal', 5 * HOUR)]); // 1400: above
    expect(received).toHaveLength(0);
    expect((await alerts('lowbal')).state).toMatchObject({ below: false, balance: 1400, threshold: 1000 });

    await send([visitor('lowbal', 4 * HOUR)]); // 800: crosses below
    expect(received).toHaveLength(1);
    const hook = received[0];
    expect(hook.path).toBe('/hook');
    expect(hook.headers['content-type']).toBe('application/json');
    const ts = hook.headers['webhook-timestamp'] as string;
    expect(Math.abs(Number(ts) - clock() / 1000)).toBeLessThan(120);
    // The receiver's check, written out: HMAC-SHA256(secret, "<timestamp>.<raw body>")
    const want = crypto.createHmac('sha256', secret).update(`${ts}.${hook.body}`).digest('hex');
    expect(hook.headers['webhook-signature']).toBe(`sha256=${want}`);
    expect(sign(secret, ts, hook.body)).toBe(want);
    expect(verify(secret, hook.headers, hook.body, clock())).toBe(true);
    const payload = JSON.parse(hook.body);
    expect(payload).toMatchObject({ type: 'billing.low_balance', account_id: 'lowbal', balance: 800, threshold: 1000, currency: 'IDR' });
    expect(hook.headers['webhook-id']).toBe(payload.id);

    await send([visitor('lowbal', 3 * HOUR)]); // 200: still below, no new alert
    await send([visitor('lowbal', 2 * HOUR), visitor('lowbal', 2 * HOUR)]); // -1000: still below
    expect(received).toHaveLength(1);

    await send([topup('lowbal', 5000, HOUR)]); // 4000: back above, re-armed
    expect((await alerts('lowbal')).state).toMatchObject({ below: false, balance: 4000 });
    await send(Array.from({ length: 6 }, () => visitor('lowbal', HOUR / 2))); // 400: below again
    expect(received).toHaveLength(2);
    expect(JSON.parse(received[1].body)).toMatchObject({ balance: 400 });

    const list = await alerts('lowbal');
    expect(list.alerts).toHaveLength(2);
    expect(list.alerts[0]).toMatchObject({ balance: 400, threshold: 1000, status: 'delivered', attempts: 1, last_status: 204, webhook_url: `${base}/hook` });
    expect(list.alerts[1]).toMatchObject({ balance: 800, status: 'delivered' });
    expect(list.alerts[1].delivered_at).toBeTruthy();
  });

  test('a webhook that keeps failing is retried with backoff, then recorded as failed', async () => {
    await put('lowfail', { low_balance_threshold: 500, webhook_url: `${base}/fail` });
    const before = received.length;
    const t0 = Date.now();
    await send([topup('lowfail', 1000, 10 * HOUR), visitor('lowfail', HOUR)]); // 400
    const tries = received.slice(before);
    expect(tries.map((r) => r.path)).toEqual(['/fail', '/fail', '/fail']);
    // backoff 20 ms then 40 ms between the three attempts (a 500 is retried)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(60);
    expect(new Set(tries.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const [a] = (await alerts('lowfail')).alerts;
    expect(a).toMatchObject({ status: 'failed', attempts: 3, last_status: null, last_error: 'failed', delivered_at: null, balance: 400 });
  });

  test('a delivery a stop left pending is resumed from its attempt count, signed by the same scheme', async () => {
    const set = await put('lowresume', { webhook_url: `${base}/hook` });
    const secret = set.json().webhook_secret as string;
    const created = clock() - HOUR;
    const body = JSON.stringify({ type: 'billing.low_balance', id: 'alert-resume', account_id: 'lowresume', balance: 1, threshold: 2 });
    await saveAlert(s.db, {
      ...{ account_id: 'lowresume', id: 'alert-resume', created_ms: created, balance: 1, threshold: 2, webhook_url: `${base}/hook`, payload: body },
      ...{ status: 'pending', attempts: 1, last_status: 0, last_error: 'failed', delivered_ms: 0 },
    });
    const before = received.length;
    await s.app.ctx.alerter.resume();
    await s.app.ctx.alerter.idle();
    const tries = received.slice(before);
    expect(tries).toHaveLength(1);
    expect(tries[0].body).toBe(body);
    expect(tries[0].headers['webhook-id']).toBe('alert-resume');
    expect(verify(secret, tries[0].headers, tries[0].body, clock())).toBe(true);
    const [a] = (await alerts('lowresume')).alerts;
    expect(a).toMatchObject({ id: 'alert-resume', status: 'delivered', attempts: 2, last_status: 204, last_error: null, created_at: new Date(created).toISOString() });
    expect(Date.parse(a.delivered_at)).toBeGreaterThanOrEqual(created);
  });

  test('without a webhook the crossing is still listed', async () => {
    await put('lownohook', { low_balance_threshold: 100 });
    await send([topup('lownohook', 300, 10 * HOUR), visitor('lownohook', HOUR)]); // -300
    const [a] = (await alerts('lownohook')).alerts;
    expect(a).toMatchObject({ status: 'no_webhook', webhook_url: null, attempts: 0, balance: -300 });
  });

  test('accounts without a threshold are not checked', async () => {
    await send([visitor('nothreshold', HOUR)]);
    expect(await alerts('nothreshold')).toEqual({ state: { below: false, balance: null, threshold: null, checked_at: null }, alerts: [] });
  });

  test('an account key reads its own alerts only', async () => {
    const key = await s.accountKey('lowbal');
    const r = await s.app.inject({ method: 'GET', url: '/api/v1/accounts/lowfail/billing/alerts', headers: bearer(key) });
    expect(r.statusCode).toBe(403);
  });
});
