import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../api/app.ts';
import { FailureWindow } from '../api/keys.ts';
import { checkTimestamp } from '../ingest/validate.ts';
import { DataDirBusyError, readLock, takeLock } from '../sql/db.ts';
import { processIdentity } from '../core/process.ts';
import { BENCH_ADMIN_KEY, ROOT } from '../bench/util.ts';
import { bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

// Issue 15. One server for the file (one engine per process); TRUST_PROXY lets each test
// speak from its own address (X-Forwarded-For), so failure counts do not mix.
let s: TestServer;
let acmeKey: string;
const XRW = { 'x-requested-with': 'dashboard' };
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const randomKey = () => `cak_${Math.random().toString(16).slice(2, 14).padEnd(12, '0')}_${'A'.repeat(43)}`;

beforeAll(async () => {
  s = await startServer({ AUTH_FAILURES_PER_MIN: '5', READ_QUEUE_MAX: '1', TRUST_PROXY: 'true' });
  acmeKey = await s.accountKey('acme');
});
afterAll(async () => s?.close());

/** Counts the store queries made while `fn` runs (KeyStore and SessionStore share s.db). */
async function countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number }> {
  const { query, command } = s.db;
  let queries = 0;
  s.db.query = ((...a: Parameters<typeof query>) => (queries++, query(...a))) as typeof query;
  s.db.command = ((...a: Parameters<typeof command>) => (queries++, command(...a))) as typeof command;
  try {
    return { result: await fn(), queries };
  } finally {
    s.db.query = query;
    s.db.command = command;
  }
}

describe('1. the data directory lock names a process by PID and start time', () => {
  let sleeper: ChildProcess;
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'chat-analytics-lock-'));
  const writeLock = (d: string, lock: object) => fs.writeFileSync(path.join(d, 'server.lock'), JSON.stringify(lock));
  const self = processIdentity(process.pid);
  beforeAll(() => {
    sleeper = spawn('sleep', ['120'], { stdio: 'ignore' });
  });
  afterAll(() => {
    sleeper.kill();
  });

  test('the lock records PID, start time (clock ticks) and boot id; release removes it', () => {
    const d = dir();
    const { release, crashed } = takeLock(d);
    expect(crashed).toBe(false);
    expect(readLock(path.join(d, 'server.lock'))).toMatchObject({ pid: process.pid, start: expect.stringMatching(/^\d+$/), boot: self.boot });
    release();
    expect(fs.existsSync(path.join(d, 'server.lock'))).toBe(false);
  });

  test('our own PID with another start time (a restart in a PID namespace) is a stale lock: crash recovery runs', () => {
    const d = dir();
    writeLock(d, { pid: process.pid, start: String(Number(self.start) - 1), boot: self.boot });
    expect(takeLock(d).crashed).toBe(true);
  });

  test('a live process with a reused PID but another start time, or a lock of another boot, is stale', () => {
    const d = dir();
    writeLock(d, { pid: sleeper.pid, start: '1', boot: self.boot });
    expect(takeLock(d).crashed).toBe(true);
    writeLock(d, { pid: sleeper.pid, start: processIdentity(sleeper.pid!).start, boot: 'another-boot' });
    expect(takeLock(d).crashed).toBe(true);
  });

  test('a lock truly held by a live process still refuses with the one sentence', () => {
    const d = dir();
    writeLock(d, { pid: sleeper.pid, ...processIdentity(sleeper.pid!), url: 'http://127.0.0.1:1' });
    expect(() => takeLock(d)).toThrow(DataDirBusyError);
    expect(() => takeLock(d)).toThrow(new RegExp(`^The data directory ${d} is in use by process ${sleeper.pid} \\(its server answers at http://127.0.0.1:1\\); stop that process`));
    // A lock of the old form (PID only) of a live process: it cannot be told apart, so it holds.
    writeLock(d, { pid: sleeper.pid });
    expect(() => takeLock(d)).toThrow(DataDirBusyError);
  });

  test('a killed server whose PID now belongs to another process: the next server starts and replays', async () => {
    const d = dir();
    const port = 21_000 + (process.pid % 1000);
    const start = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api/main.ts')], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: d, PORT: String(port), HOST: '127.0.0.1', ADMIN_API_KEY: BENCH_ADMIN_KEY, DEMO: '0', LOG_LEVEL: 'warn', SCHEDULER: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (b) => (out += b));
      child.stderr!.on('data', (b) => (out += b));
      const up = new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', () => out.includes('is running at') && resolve());
        child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
      });
      return { child, up, output: () => out, exited: new Promise((r) => child.once('exit', r)) };
    };
    const a = start();
    await a.up;
    const body = Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `l${i}`, type: 'csat.requested', account_id: 'lock', occurred_at: '2026-10-01T00:00:00Z', room_id: `r${i}` })).join('\n');
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...bearer(BENCH_ADMIN_KEY) }, body });
    expect((await r.json()).accepted).toBe(50);
    a.child.kill('SIGKILL');
    await a.exited;
    // The dead server's PID is "reused" by a live process that started at another time.
    const lock = readLock(path.join(d, 'server.lock'))!;
    writeLock(d, { ...lock, pid: sleeper.pid });
    const b = start();
    await b.up;
    expect(b.output()).toContain('Recovered from an unclean stop: replayed the last 50 events');
    expect(readLock(path.join(d, 'server.lock'))).toMatchObject({ pid: b.child.pid, ...processIdentity(b.child.pid!) });
    b.child.kill('SIGTERM');
    await b.exited;
  }, 180_000);
});

describe('2. failed authentications are limited per address', () => {
  test('a token without the key form is refused without a store query', async () => {
    // The admin key ids (the only free-form keys) are asked once, then remembered 10 s.
    await s.app.inject({ url: '/api/v1/keys', headers: { ...from('10.0.2.1'), ...bearer('x'.repeat(40)) } });
    const tokens = ['short', 'cak_not_the_form', 'x'.repeat(30), 'definitely-not-a-key-0123456789', `cak_${'0'.repeat(12)}_tooshort`];
    const { result, queries } = await countQueries(() => Promise.all(tokens.map((t) => s.app.inject({ url: '/api/v1/keys', headers: { ...from('10.0.2.1'), ...bearer(t) } }))));
    expect(result.map((r) => r.statusCode)).toEqual(tokens.map(() => 401));
    expect(queries).toBe(0);
  });

  test('past AUTH_FAILURES_PER_MIN failures that cost a query, 429 with Retry-After and no query', async () => {
    const ip = from('10.0.2.2');
    for (let i = 0; i < 5; i++) expect((await s.app.inject({ url: '/api/v1/accounts/acme/settings', headers: { ...ip, ...bearer(randomKey()) } })).statusCode).toBe(401);
    const { result, queries } = await countQueries(async () => {
      const out = [];
      for (let i = 0; i < 20; i++) out.push(await s.app.inject({ url: '/api/v1/accounts/acme/settings', headers: { ...ip, ...bearer(randomKey()) } }));
      return out;
    });
    expect(queries).toBe(0);
    for (const r of result) {
      expect(r.statusCode).toBe(429);
      expect(r.json().error.code).toBe('rate_limited');
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    // Another address is not affected; a key this instance knows still works from the failing one.
    expect((await s.app.inject({ url: '/api/v1/accounts/acme/settings', headers: { ...from('10.0.2.3'), ...bearer(randomKey()) } })).statusCode).toBe(401);
    expect((await s.app.inject({ url: '/api/v1/accounts/acme/settings', headers: { ...from('10.0.2.3'), ...bearer(acmeKey) } })).statusCode).toBe(200);
    expect((await s.app.inject({ url: '/api/v1/accounts/acme/settings', headers: { ...ip, ...bearer(acmeKey) } })).statusCode).toBe(200);
  });

  test('sign-in attempts count too', async () => {
    const codes = [];
    for (let i = 0; i < 8; i++) codes.push((await s.app.inject({ method: 'POST', url: '/api/v1/session', headers: { ...XRW, ...from('10.0.2.4') }, payload: { key: randomKey() } })).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  });

  test('the window is one minute', () => {
    const w = new FailureWindow(2);
    w.fail('a', 0);
    w.fail('a', 1000);
    expect(w.blockedFor('a', 1000)).toBe(59);
    expect(w.blockedFor('a', 60_000)).toBe(0);
    expect(new FailureWindow(0).blockedFor('a')).toBe(0);
  });
});

describe('3. sign-out ends the session in the store', () => {
  const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie']).split(';')[0];
  const signIn = (app = s.app, headers = {}) => app.inject({ method: 'POST', url: '/api/v1/session', headers: { ...XRW, ...headers }, payload: { key: acmeKey } });

  test('the old cookie stops working after sign-out, also on another instance of the same store', async () => {
    const other = await buildApp({ config: s.config, db: s.db });
    try {
      const c = cookieOf(await signIn());
      expect((await s.app.inject({ url: '/api/v1/session', headers: { cookie: c } })).statusCode).toBe(200);
      const out = await s.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: c, ...XRW } });
      expect(out.statusCode).toBe(204);
      expect(String(out.headers['set-cookie'])).toMatch(/^ca_session=;/);
      for (const app of [s.app, other]) {
        const after = await app.inject({ url: '/api/v1/accounts/acme/settings', headers: { cookie: c } });
        expect(after.statusCode).toBe(401);
        expect(after.json().error.message).toMatch(/signed out/);
      }
      // A session of one instance works on the other (the store knows it).
      const c2 = cookieOf(await signIn());
      expect((await other.inject({ url: '/api/v1/session', headers: { cookie: c2 } })).statusCode).toBe(200);
      const rows = await s.db.query<{ n: string }>('SELECT count() AS n FROM dashboard_sessions FINAL WHERE revoked_at IS NOT NULL');
      expect(Number(rows[0].n)).toBeGreaterThanOrEqual(1);
    } finally {
      await other.close();
    }
  });

  test('the cookie is Secure when the request came over https through a trusted proxy', async () => {
    expect(String((await signIn(s.app, { 'x-forwarded-proto': 'https' })).headers['set-cookie'])).toMatch(/; Secure/);
    expect(String((await signIn(s.app)).headers['set-cookie'])).not.toMatch(/Secure/);
    // Without TRUST_PROXY the header is anyone's and is not believed.
    const direct = await buildApp({ config: { ...s.config, trustProxy: false }, db: s.db });
    try {
      expect(String((await signIn(direct, { 'x-forwarded-proto': 'https' })).headers['set-cookie'])).not.toMatch(/Secure/);
    } finally {
      await direct.close();
    }
  });
});

/**
 * A request on a real socket, its path sent as written: inject() and fetch() parse the URL
 * as WHATWG does, which removes `..` and `%2E%2E` segments before any route sees them.
 */
function rawRequest(port: number, method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('4. account ids cannot name a path outside their folder', () => {
  test('every route with an :account refuses ids of dots or starting with a separator', async () => {
    const routes = s.app.routeTable.filter((r) => r.url.includes(':account'));
    expect(routes.length).toBeGreaterThan(10);
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (s.app.server.address() as { port: number }).port;
    const failures: string[] = [];
    for (const bad of ['%2E%2E', '..', '.', '%2E', '.hidden', '-x', '_x']) {
      for (const r of routes) {
        const url = r.url.replace(':account', bad).replace(/:(\w+)/g, 'x');
        const res = await rawRequest(port, r.method, url, bearer(s.adminKey), r.method === 'GET' || r.method === 'DELETE' ? undefined : '{}');
        const field = res.status === 400 ? JSON.parse(res.body).error.field : undefined;
        if (res.status !== 400 || field !== 'account') failures.push(`${r.method} ${url}: ${res.status} ${field ?? res.body.slice(0, 80)}`);
      }
    }
    expect(failures).toEqual([]);
    const key = await s.app.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(s.adminKey), payload: { account: '..' } });
    expect(key.statusCode).toBe(400);
  });

  test('events with such an account_id are rejected; ordinary ids still pass', async () => {
    const ev = (account_id: string, id: string) => JSON.stringify({ id, type: 'csat.requested', account_id, occurred_at: '2026-10-01T00:00:00Z', room_id: 'r' });
    const bad = ['..', '.', '.x', '-x', '_x'];
    const good = ['acme.co', 'a-b_c', 'A1', '9', 'a..b'];
    const r = (await postNdjson(s.app, s.adminKey, [...bad, ...good].map((a, i) => ev(a, `acct${i}`)).join('\n'))).json();
    expect(r).toMatchObject({ accepted: good.length, rejected: bad.length });
    for (const e of r.errors) expect(e).toMatchObject({ field: 'account_id', message: expect.stringContaining('the first a letter or digit') });
  });
});

describe('5. the year range is checked on the UTC instant', () => {
  test('2000-2199 in UTC, whatever the offset', async () => {
    expect(checkTimestamp('2000-01-01T00:00:00+23:59')).toMatch(/between the years 2000 and 2199/);
    expect(checkTimestamp('2199-12-31T23:59:59-00:01')).toMatch(/between the years 2000 and 2199/);
    expect(checkTimestamp('1999-12-31T23:30:00-01:00')).toBeNull();
    expect(checkTimestamp('2200-01-01T00:30:00+01:00')).toBeNull();
    expect(checkTimestamp('2000-01-01T00:00:00Z')).toBeNull();
    expect(checkTimestamp('1999-12-31T23:59:59Z')).toMatch(/between/);
    const ev = (at: string, id: string) => JSON.stringify({ id, type: 'csat.requested', account_id: 'utc', occurred_at: at, room_id: 'r' });
    const r = (await postNdjson(s.app, s.adminKey, [ev('2000-01-01T00:00:00+23:59', 'u1'), ev('1999-12-31T23:30:00-01:00', 'u2')].join('\n'))).json();
    expect(r).toMatchObject({ accepted: 1, rejected: 1, errors: [{ line: 1, field: 'occurred_at' }] });
  });
});

describe('6. under overload, reads are refused quickly and /health still answers', () => {
  test('past READ_QUEUE_MAX waiting reads: 503 overloaded with Retry-After; /health shows the queue', async () => {
    await s.app.inject({ url: '/health' }); // the store's version, asked once
    // Both read connections busy (the test server has 2) and the one allowed waiter taken.
    const slow = [0, 1, 2].map(() => s.db.query('SELECT sleep(1.5)'));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const health = await s.app.inject({ url: '/health' });
    expect(performance.now() - t0).toBeLessThan(100);
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', clickhouse: { mode: 'embedded', version: expect.stringMatching(/^\d+\./) }, reads: { running: 2, queued: 1, admitted: 0, max: 1 } });

    const t1 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => s.app.inject({ url: `/api/v1/accounts/acme/settings?n=${i}`, headers: { ...from('10.0.6.1'), ...bearer(acmeKey) } })),
    );
    expect(performance.now() - t1).toBeLessThan(1000);
    for (const a of answers) {
      expect(a.statusCode).toBe(503);
      expect(a.headers['retry-after']).toBe('1');
      expect(a.json().error.code).toBe('overloaded');
    }
    await Promise.all(slow);
    expect((await s.app.inject({ url: '/health' })).json().reads).toEqual({ running: 0, queued: 0, admitted: 0, max: 1 });
    expect((await s.app.inject({ url: '/api/v1/accounts/acme/settings', headers: bearer(acmeKey) })).statusCode).toBe(200);
  });

  test('a report of several queries is admitted once: three summaries at once (4 queries each, READ_QUEUE_MAX 1) are all answered', async () => {
    const windows = ['2026-01', '2026-02', '2026-03'].map((m) => `/api/v1/accounts/acme/metrics/summary?from=${m}-01&to=${m}-20`);
    const answers = await Promise.all(windows.map((url) => s.app.inject({ url, headers: bearer(acmeKey) })));
    // 2 connections + READ_QUEUE_MAX 1 = 3 requests in at once; their 12 queries wait their turn, none refused.
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    const fourth = await Promise.all([...windows, windows[0].replace('-20', '-21')].map((url) => s.app.inject({ url: `${url}&n=4`, headers: bearer(acmeKey) })));
    // A fourth request beyond those three is refused whole, at once.
    expect(fourth.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 503]);
    expect((await s.app.inject({ url: '/health' })).json().reads).toEqual({ running: 0, queued: 0, admitted: 0, max: 1 });
  });

  test('many concurrent reads through HTTP: each answered, 200 or a quick 503, none held for seconds', async () => {
    const slowest = { ms: 0 };
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const t = performance.now();
        const r = await s.app.inject({ url: `/api/v1/session/accounts/acme?n=${i}`, headers: bearer(s.adminKey) });
        slowest.ms = Math.max(slowest.ms, performance.now() - t);
        return r.statusCode;
      }),
    );
    expect(answers.every((c) => c === 200 || c === 503)).toBe(true);
    expect(answers).toContain(200);
    expect(slowest.ms).toBeLessThan(3000);
  });
});
