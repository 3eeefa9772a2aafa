import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllow } from '../core/webhook-guard.ts';
import { deliver, sign, verify, type Attempt } from '../core/webhooks.ts';

/**
 * core/webhooks.ts, the one webhook scheme and retry policy, against a local receiver on
 * 127.0.0.1 (allowed as WEBHOOK_ALLOW=127.0.0.1 would). The signature is checked against
 * an independent computation written from the documented scheme:
 *   Webhook-Signature = "sha256=" + hex(HMAC-SHA256(secret, "<Webhook-Timestamp>.<raw body>")).
 */

interface Got {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
}

let server: http.Server;
let base = '';
const got: Got[] = [];
/** Per path: the statuses to answer in turn (the last one repeats). */
const answers = new Map<string, number[]>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      got.push({ path, headers: req.headers, raw: Buffer.concat(chunks) });
      const list = answers.get(path) ?? [204];
      const status = list.length > 1 ? list.shift()! : list[0];
      res.writeHead(status, status === 302 ? { location: `${base}/elsewhere` } : {}).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise((r) => server?.close(r)));

const NOW = Date.parse('2026-11-16T10:00:00+07:00');
const SECRET = 'whsec_test-secret';
const allow = parseAllow(['127.0.0.1']);
const at = (path: string) => got.filter((g) => g.path === path);

/** Options with an injected clock and instant, recorded waits. */
function opts(backoffMs: number[], extra: { now?: () => number; fromAttempt?: number; signal?: AbortSignal } = {}) {
  const waits: number[] = [];
  const attempts: Attempt[] = [];
  return {
    waits,
    attempts,
    o: {
      backoffMs,
      timeoutMs: 2000,
      allow,
      now: extra.now ?? (() => NOW),
      fromAttempt: extra.fromAttempt,
      signal: extra.signal,
      sleep: async (ms: number, signal?: AbortSignal) => {
        waits.push(ms);
        return signal?.aborted ?? false;
      },
      onAttempt: (a: Attempt) => void attempts.push(a),
    },
  };
}

describe('the signature', () => {
  test('is HMAC-SHA256 of "<Webhook-Timestamp>.<raw body>" in Webhook-Signature, with Webhook-Id and the clock\'s timestamp', async () => {
    // non-ASCII on purpose: the HMAC is over the body's UTF-8 bytes as sent
    const body = JSON.stringify({ type: 'test.event', note: 'saldo — Rp 1.000, café' });
    const { o } = opts([]);
    const d = await deliver({ url: `${base}/sig`, id: 'evt_123', secret: SECRET, body }, o);
    expect(d).toMatchObject({ delivered: true, attempts: 1, outcome: 'delivered', status: 204, stopped: false });
    const [g] = at('/sig');
    expect(g.raw.toString('utf8')).toBe(body);
    expect(g.headers['content-type']).toBe('application/json');
    expect(g.headers['webhook-id']).toBe('evt_123');
    const ts = String(Math.floor(NOW / 1000));
    expect(g.headers['webhook-timestamp']).toBe(ts);
    // independent computation, by hand from the documented scheme
    const mac = crypto.createHmac('sha256', Buffer.from(SECRET, 'utf8'));
    mac.update(Buffer.concat([Buffer.from(`${ts}.`, 'utf8'), g.raw]));
    expect(g.headers['webhook-signature']).toBe(`sha256=${mac.digest('hex')}`);
    expect(sign(SECRET, ts, g.raw)).toBe(sign(SECRET, Number(ts), body));
    // no header of the old export scheme
    expect(g.headers['x-signature']).toBeUndefined();
    expect(g.headers['x-timestamp']).toBeUndefined();
  });

  test('each attempt is signed with its own timestamp from the injected clock', async () => {
    answers.set('/ts', [503, 204]);
    let t = NOW;
    const { o } = opts([10], { now: () => (t += 7_000) });
    const d = await deliver({ url: `${base}/ts`, id: 'evt_ts', secret: SECRET, body: ({ attempt, timestamp }) => JSON.stringify({ attempt, sent: timestamp }) }, o);
    expect(d).toMatchObject({ delivered: true, attempts: 2 });
    const [a, b] = at('/ts');
    expect(a.headers['webhook-timestamp']).toBe(String(Math.floor((NOW + 7_000) / 1000)));
    expect(b.headers['webhook-timestamp']).toBe(String(Math.floor((NOW + 14_000) / 1000)));
    expect(JSON.parse(b.raw.toString())).toEqual({ attempt: 2, sent: Number(b.headers['webhook-timestamp']) });
    expect(a.headers['webhook-id']).toBe(b.headers['webhook-id']);
    for (const g of [a, b]) expect(verify(SECRET, g.headers, g.raw, NOW + 14_000)).toBe(true);
  });
});

describe('verify()', () => {
  const body = '{"type":"x","n":1}';
  const ts = Math.floor(NOW / 1000);
  const headers = { 'Webhook-Id': 'evt_1', 'Webhook-Timestamp': String(ts), 'Webhook-Signature': `sha256=${sign(SECRET, ts, body)}` };

  test('accepts the signed body (any header case, a fetch Headers, bytes or string)', () => {
    expect(verify(SECRET, headers, body, NOW)).toBe(true);
    expect(verify(SECRET, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), Buffer.from(body), NOW)).toBe(true);
    expect(verify(SECRET, new Headers(headers), body, NOW + 299_000)).toBe(true);
  });

  test('rejects a tampered body, another secret, a changed timestamp, a missing signature', () => {
    expect(verify(SECRET, headers, body.replace('1', '2'), NOW)).toBe(false);
    expect(verify(SECRET, headers, body + ' ', NOW)).toBe(false);
    expect(verify('another-secret', headers, body, NOW)).toBe(false);
    expect(verify(SECRET, { ...headers, 'Webhook-Timestamp': String(ts + 1) }, body, NOW)).toBe(false);
    expect(verify(SECRET, { ...headers, 'Webhook-Signature': sign(SECRET, ts, body) }, body, NOW)).toBe(false); // without "sha256="
    const { 'Webhook-Signature': _sig, ...unsigned } = headers;
    expect(verify(SECRET, unsigned, body, NOW)).toBe(false);
    expect(verify('', headers, body, NOW)).toBe(false);
  });

  test('rejects an old (replayed) or far-future timestamp: more than 5 minutes from now', () => {
    expect(verify(SECRET, headers, body, NOW + 301_000)).toBe(false);
    expect(verify(SECRET, headers, body, NOW - 301_000)).toBe(false);
    expect(verify(SECRET, headers, body, NOW + 301_000, 600)).toBe(true);
    // a body signed an hour ago, with a correct signature for that hour
    const old = ts - 3600;
    expect(verify(SECRET, { 'webhook-timestamp': String(old), 'webhook-signature': `sha256=${sign(SECRET, old, body)}` }, body, NOW)).toBe(false);
    expect(verify(SECRET, { 'webhook-timestamp': 'soon', 'webhook-signature': headers['Webhook-Signature'] }, body, NOW)).toBe(false);
  });
});

describe('the retry policy', () => {
  test('a 500 then a 200 is retried, after the first delay of the backoff list', async () => {
    answers.set('/flaky', [500, 200]);
    const { o, waits, attempts } = opts([25, 50, 100]);
    const d = await deliver({ url: `${base}/flaky`, id: 'evt_flaky', secret: SECRET, body: '{}' }, o);
    expect(d).toMatchObject({ delivered: true, attempts: 2, outcome: 'delivered', status: 200 });
    expect(at('/flaky')).toHaveLength(2);
    expect(waits).toEqual([25]);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.status, a.final])).toEqual([
      [1, 'failed', 500, false],
      [2, 'delivered', 200, true],
    ]);
  });

  test('a 400 is final: one attempt, no wait', async () => {
    answers.set('/bad', [400, 200]);
    const { o, waits } = opts([25, 50]);
    const d = await deliver({ url: `${base}/bad`, id: 'evt_bad', secret: SECRET, body: '{}' }, o);
    expect(d).toMatchObject({ delivered: false, attempts: 1, outcome: 'failed', status: 400, stopped: false });
    expect(at('/bad')).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test('408, 429 and 5xx are retried; other 4xx and a redirect are not', async () => {
    for (const status of [408, 429, 502, 503]) {
      answers.set(`/r${status}`, [status, 204]);
      const d = await deliver({ url: `${base}/r${status}`, id: 'e', secret: SECRET, body: '{}' }, opts([5]).o);
      expect(d, String(status)).toMatchObject({ delivered: true, attempts: 2 });
    }
    for (const status of [401, 403, 404, 410, 418, 422, 302]) {
      answers.set(`/f${status}`, [status, 204]);
      const d = await deliver({ url: `${base}/f${status}`, id: 'e', secret: SECRET, body: '{}' }, opts([5]).o);
      expect(d, String(status)).toMatchObject({ delivered: false, attempts: 1, outcome: 'failed' });
    }
    expect(at('/elsewhere')).toHaveLength(0); // the redirect was not followed
  });

  test('attempts are bounded by the backoff list; each wait is the list\'s next delay', async () => {
    answers.set('/down', [500]);
    const { o, waits, attempts } = opts([10, 20, 30]);
    const d = await deliver({ url: `${base}/down`, id: 'evt_down', secret: SECRET, body: '{}' }, o);
    expect(d).toMatchObject({ delivered: false, attempts: 4, outcome: 'failed', status: 500, stopped: false });
    expect(at('/down')).toHaveLength(4);
    expect(waits).toEqual([10, 20, 30]);
    expect(attempts.map((a) => a.final)).toEqual([false, false, false, true]);
  });

  test('a network error is retried; a refused address is not, and nothing is sent', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const net = await deliver({ url: `http://127.0.0.1:${port}/x`, id: 'e', secret: SECRET, body: '{}' }, opts([1, 1]).o);
    expect(net).toMatchObject({ delivered: false, attempts: 3, outcome: 'failed', status: 0 });

    const before = got.length;
    const { o, waits } = opts([1, 1]);
    const refused = await deliver({ url: `${base}/refused`, id: 'e', secret: SECRET, body: '{}' }, { ...o, allow: undefined });
    expect(refused).toMatchObject({ delivered: false, attempts: 1, outcome: 'refused' });
    expect(waits).toEqual([]);
    expect(got.length).toBe(before);
  });

  test('real waits: the default sleep waits the delay; a stop during it ends the delivery as stopped', async () => {
    answers.set('/slow', [503]);
    const t0 = Date.now();
    const d = await deliver({ url: `${base}/slow`, id: 'e', secret: SECRET, body: '{}' }, { backoffMs: [40], timeoutMs: 2000, allow, now: () => NOW });
    expect(d).toMatchObject({ delivered: false, attempts: 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);

    const stop = new AbortController();
    setTimeout(() => stop.abort(), 20);
    const s = await deliver({ url: `${base}/slow`, id: 'e', secret: SECRET, body: '{}' }, { backoffMs: [10_000], timeoutMs: 2000, allow, signal: stop.signal });
    expect(s).toMatchObject({ delivered: false, attempts: 1, stopped: true });
  });

  test('a resumed delivery (fromAttempt) tries at once and goes on counting', async () => {
    answers.set('/resume', [204]);
    const { o, waits, attempts } = opts([10, 20], { fromAttempt: 3 });
    const d = await deliver({ url: `${base}/resume`, id: 'e', secret: SECRET, body: '{}' }, o);
    expect(d).toMatchObject({ delivered: true, attempts: 3 });
    expect(waits).toEqual([]);
    expect(attempts.map((a) => a.attempt)).toEqual([3]);
  });
});
