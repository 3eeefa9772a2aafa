import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { getSchedule, saveSchedule } from '../sql/scheduler/schedules.ts';
import { putSettings } from '../sql/settings.ts';
import { clockFrom } from '../core/clock.ts';
import { addressError, parseAllow, postWebhook, urlError } from '../core/webhook-guard.ts';
import { bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * Issue 15, item 5: webhook URLs must not reach the server's own network. Refused when
 * saved (every spelling of an internal address, names resolving to one), refused again at
 * delivery (a URL stored before the guard, a name resolving inward at connect time),
 * no redirects, and only fixed words recorded. Only 127.0.0.0/8 is ever contacted here:
 * the other addresses are refused before any socket exists (the tests check that).
 */

let s: TestServer;
let seq = 0;
const NOW = Date.parse('2026-11-16T10:00:00+07:00');
const clock = clockFrom(NOW);
const HOUR = 3_600_000;

async function boot(env: Record<string, string>): Promise<void> {
  const dataDir = s?.dataDir;
  if (s) await s.close();
  s = await startServer({ ...env, ...(dataDir ? { DATA_DIR: dataDir } : {}) }, { clock });
  // short waits: 20 ms backoff between 3 attempts
  Object.assign(s.app.ctx.alerter.options, { debounceMs: 10, backoffMs: [20, 20], timeoutMs: 2000 });
  await s.app.ctx.scheduler.start({ baseUrl: 'http://reports.example.test', webhook: { backoffMs: [30, 60], timeoutMs: 2000 }, syncEveryMs: 3_600_000 });
}

beforeAll(async () => boot({}));
afterAll(async () => s?.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
  s.app.inject({ method, url: `/api/v1/accounts/demo${url}`, headers: bearer(s.adminKey), ...(payload ? { payload } : {}) });
const runsOf = async (scheduleId: string) => (await call('GET', `/exports?schedule_id=${scheduleId}`)).json().runs as Array<Record<string, any>>;

/** A receiver on 127.0.0.1: `answer` writes the response; every request is kept. */
async function receiver(answer: (res: http.ServerResponse) => void = (res) => res.writeHead(204).end()) {
  const got: Array<{ url: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ url: req.url ?? '', body });
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, port, got, close: () => new Promise((r) => server.close(r)) };
}

/** Runs a schedule with this webhook now and returns the run once its webhook is settled. */
async function runWithWebhook(webhookUrl: string): Promise<Record<string, any>> {
  // stored as a schedule saved before the guard would be: the delivery must check again
  const c = (await call('POST', '/schedules', { report: 'rooms', cron: '0 0 1 1 *', period: 'last_month' })).json();
  await saveSchedule(s.db, { ...(await getSchedule(s.db, 'demo', c.id))!, webhook_url: webhookUrl, webhook_secret: 'k' });
  expect((await call('POST', `/schedules/${c.id}/run`)).statusCode).toBe(202);
  await s.app.ctx.scheduler.idle();
  return (await runsOf(c.id))[0];
}

/** Makes account `a` cross below its threshold (1000 top-up, one 600 visitor, threshold 500) and returns its alert. */
async function lowBalanceAlert(a: string, webhookUrl: string): Promise<Record<string, any>> {
  await putSettings(s.db, a, { low_balance_threshold: 500, webhook_url: webhookUrl }); // as stored before the guard
  const ev = [
    { id: `t${seq++}`, type: 'balance.topup', account_id: a, occurred_at: new Date(NOW - 10 * HOUR).toISOString(), amount: 1000 },
    { id: `m${seq++}`, type: 'message', account_id: a, occurred_at: new Date(NOW - HOUR).toISOString(), room_id: `r${seq}`, channel: 'webchat', contact_id: `c${seq}`, direction: 'inbound' },
  ];
  const r = await postNdjson(s.app, s.adminKey, ev.map((e) => JSON.stringify(e)).join('\n'));
  expect(r.json()).toMatchObject({ accepted: 2 });
  await s.app.ctx.alerter.idle();
  const list = (await s.app.inject({ method: 'GET', url: `/api/v1/accounts/${a}/billing/alerts`, headers: bearer(s.adminKey) })).json();
  return list.alerts[0];
}

// Every spelling of an internal address the issue found reachable, and more.
const INTERNAL = [
  'http://127.0.0.1:8080/hook',
  'https://127.0.0.1/',
  'http://[::1]:8080/',
  'http://localhost:8080/',
  'http://LocalHost/',
  'http://0.0.0.0:8080/',
  'http://0/',
  'http://2130706433/',
  'http://127.1/',
  'http://127.0.0.1./',
  'http://0x7f.0.0.1/',
  'http://0x7f000001/',
  'http://0177.0.0.1/',
  'http://017700000001/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://[0:0:0:0:0:ffff:169.254.169.254]/',
  'http://169.254.169.254/latest/meta-data/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://169.254.1.1/',
  'http://[fe80::1]/',
  'http://10.0.0.1/',
  'http://172.16.0.1/',
  'http://172.31.255.255/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://[fc00::1]/',
  'http://[fd12:3456::1]/',
  'http://[::]/',
  'http://224.0.0.1/',
  'http://[ff02::1]/',
  'http://255.255.255.255/',
  'http://[64:ff9b::a00:1]/',
  'ftp://example.com/',
  'file:///etc/passwd',
  'gopher://127.0.0.1:25/',
];

describe('refused when saved (no WEBHOOK_ALLOW)', () => {
  test('every spelling of an internal address: settings PUT, schedules POST and PATCH answer 400 with field webhook_url', async () => {
    const sched = (await call('POST', '/schedules', { report: 'rooms', cron: '0 0 1 1 *', period: 'last_month' })).json();
    for (const url of INTERNAL) {
      for (const r of [
        await call('PUT', '/settings', { webhook_url: url }),
        await call('POST', '/schedules', { report: 'rooms', cron: '0 0 1 1 *', period: 'last_month', webhook_url: url }),
        await call('PATCH', `/schedules/${sched.id}`, { webhook_url: url }),
      ]) {
        expect(r.statusCode, `${url}: ${r.body}`).toBe(400);
        expect(r.json().error.field, url).toBe('webhook_url');
      }
    }
    expect((await call('GET', '/settings')).json().webhook_url).toBe(null);
    expect((await call('GET', `/schedules/${sched.id}`)).json().webhook_url).toBe(null);
  });

  test("a host name resolving to loopback is refused by what it resolves to ('localhost', no name rule)", async () => {
    const r = await call('PUT', '/settings', { webhook_url: 'http://localhost:9/x' });
    expect(r.json().error).toMatchObject({ field: 'webhook_url', message: expect.stringContaining('resolves') });
    expect(urlError('http://localhost:9/x')).toBe(null); // the literal check alone lets it pass: resolution refuses it
  });

  test('public addresses pass the checks (checked without connecting)', () => {
    for (const ip of ['8.8.8.8', '172.32.0.1', '2606:4700::1111', '64:ff9b::808:808']) expect(addressError(ip), ip).toBe(null);
    expect(urlError('https://hooks.example.com/x')).toBe(null);
  });
});

describe('refused when delivered', () => {
  test('metadata and other internal literals are refused before any socket is opened', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    try {
      for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://[::ffff:a9fe:a9fe]/', 'http://10.0.0.1/', 'http://0/']) {
        const r = await postWebhook(url, { headers: {}, body: '{}', timeoutMs: 1000 });
        expect(r, url).toMatchObject({ outcome: 'refused', retryable: false });
      }
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });

  test('a URL stored before the guard, or a name resolving to loopback at connect time, is refused: the receiver gets nothing', async () => {
    const hook = await receiver();
    try {
      const byAddress = await runWithWebhook(hook.url);
      expect(byAddress.webhook).toEqual({ status: 'failed', attempts: 1, error: 'refused' });
      const byName = await runWithWebhook(`http://localhost:${hook.port}/hook`);
      expect(byName.webhook).toEqual({ status: 'failed', attempts: 1, error: 'refused' });
      const alert = await lowBalanceAlert('guarded', hook.url);
      expect(alert).toMatchObject({ status: 'failed', attempts: 1, last_status: null, last_error: 'refused' });
      expect(hook.got).toHaveLength(0);
    } finally {
      await hook.close();
    }
  });
});

describe('with WEBHOOK_ALLOW=127.0.0.1', () => {
  beforeAll(async () => boot({ WEBHOOK_ALLOW: '127.0.0.1' }));

  test('the allowed loopback receiver gets the POST; other internal addresses stay refused', async () => {
    const hook = await receiver();
    try {
      const c = await call('POST', '/schedules', { report: 'rooms', cron: '0 0 1 1 *', period: 'last_month', webhook_url: hook.url });
      expect(c.statusCode, c.body).toBe(201);
      expect((await call('POST', `/schedules/${c.json().id}/run`)).statusCode).toBe(202);
      await s.app.ctx.scheduler.idle();
      expect(hook.got).toHaveLength(1);
      expect((await runsOf(c.json().id))[0].webhook).toEqual({ status: 'delivered', attempts: 1, error: null });
      expect((await call('PUT', '/settings', { webhook_url: hook.url })).statusCode).toBe(200);
      for (const url of ['http://127.0.0.2/', 'http://[::1]/', 'http://169.254.169.254/', 'http://10.0.0.1/']) {
        expect((await call('PUT', '/settings', { webhook_url: url })).json().error?.field, url).toBe('webhook_url');
      }
      expect(parseAllow(['127.0.0.1']).nets).toHaveLength(1);
    } finally {
      await hook.close();
    }
  });

  test('a redirect (302 to another local port) is not followed and is recorded as failed', async () => {
    const target = await receiver();
    const redirector = await receiver((res) => res.writeHead(302, { location: target.url }).end());
    try {
      const run = await runWithWebhook(redirector.url);
      expect(run.webhook).toEqual({ status: 'failed', attempts: 1, error: 'failed' });
      const alert = await lowBalanceAlert('redirected', redirector.url);
      expect(alert).toMatchObject({ status: 'failed', last_status: null, last_error: 'failed' });
      expect(redirector.got.length).toBeGreaterThanOrEqual(2);
      expect(target.got).toHaveLength(0);
    } finally {
      await Promise.all([target.close(), redirector.close()]);
    }
  });

  test("runs and alerts record only the fixed words, never the receiver's status or the network error", async () => {
    const teapot = await receiver((res) => res.writeHead(418).end('I am a teapot'));
    const closed = await receiver();
    await closed.close(); // a port nobody listens on: connection refused
    try {
      const answered = await runWithWebhook(teapot.url);
      const refusedConn = await runWithWebhook(closed.url);
      expect(answered.webhook).toEqual({ status: 'failed', attempts: 1, error: 'failed' });
      expect(refusedConn.webhook).toEqual({ status: 'failed', attempts: 3, error: 'failed' });
      const a1 = await lowBalanceAlert('teapot', teapot.url);
      const a2 = await lowBalanceAlert('closedport', closed.url);
      // one retry policy (core/webhooks.ts): a 418 is final, no answer is retried
      expect(a1).toMatchObject({ status: 'failed', attempts: 1, last_status: null, last_error: 'failed' });
      expect(a2).toMatchObject({ status: 'failed', attempts: 3, last_status: null, last_error: 'failed' });

      const runs = (await call('GET', '/exports?limit=500')).json().runs as Array<Record<string, any>>;
      for (const r of runs) expect([null, 'refused', 'failed']).toContain(r.webhook.error);
      // (not "418" itself: it may be part of an id or a time)
      const text = JSON.stringify({ runs, alerts: [a1, a2] });
      for (const leak of ['HTTP', 'ECONN', 'fetch failed', 'I am a teapot', 'no answer']) expect(text).not.toContain(leak);
    } finally {
      await teapot.close();
    }
  });
});
