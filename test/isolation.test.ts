import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXAMPLE_NDJSON, bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

// Generated from the server's own route table: a new route is covered without anyone
// adding it here. Only routes that declare themselves public (security: []) are skipped.
let s: TestServer;
let demoKey: string;
let otherKey: string;
let revokedKey: string;

beforeAll(async () => {
  s = await startServer();
  expect((await postNdjson(s.app, s.adminKey, fs.readFileSync(EXAMPLE_NDJSON))).json().accepted).toBe(42);
  demoKey = await s.accountKey('demo');
  otherKey = await s.accountKey('other');
  const r = (await s.app.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(s.adminKey), payload: { account: 'demo' } })).json();
  revokedKey = r.key;
  await s.app.inject({ method: 'DELETE', url: `/api/v1/keys/${r.key_id}`, headers: bearer(s.adminKey) });
});
afterAll(async () => s?.close());

/** Fills route parameters with plausible values; :account is always the victim account. */
function fill(url: string): string {
  return url
    .replace(':account', 'demo')
    .replace(/:report\b/, 'overview')
    .replace(/:id\b/, '000000000000')
    .replace(/:(\w+)/g, 'x');
}

const bodyFor = (method: string, url: string) => {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (url === '/api/v1/events') return fs.readFileSync(EXAMPLE_NDJSON, 'utf8');
  return JSON.stringify({});
};

const send = (method: string, url: string, auth: Record<string, string>) => {
  const payload = bodyFor(method, url);
  const type = url === '/api/v1/events' ? 'application/x-ndjson' : 'application/json';
  return s.app.inject({ method: method as 'GET', url: fill(url), headers: { ...auth, ...(payload ? { 'content-type': type } : {}) }, payload });
};

/** An error answer carries only {error: {code, message, field?}}: no data of the account. */
function expectNoData(body: string): void {
  const j = JSON.parse(body);
  expect(Object.keys(j)).toEqual(['error']);
  expect(body).not.toMatch(/6281111|r1-in1|agent1|Cepat/);
}

describe('every protected route refuses strangers', () => {
  test('the route table covers the API', () => {
    const urls = s.app.routeTable.filter((r) => !r.public).map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain('POST /api/v1/events');
    expect(urls).toContain('GET /api/v1/rejected');
    expect(urls).toContain('GET /api/v1/accounts/:account/settings');
    expect(urls.length).toBeGreaterThanOrEqual(8);
  });

  test('no key, a malformed key, a revoked key: 401 with no data', async () => {
    const failures: string[] = [];
    for (const r of s.app.routeTable.filter((x) => !x.public)) {
      for (const [label, auth] of [
        ['no key', {}],
        ['malformed key', { authorization: 'Bearer not-a-key' }],
        ['wrong scheme', { authorization: `Basic ${demoKey}` }],
        ['revoked key', bearer(revokedKey)],
      ] as const) {
        const res = await send(r.method, r.url, auth);
        if (res.statusCode !== 401) failures.push(`${r.method} ${r.url} with ${label}: ${res.statusCode}`);
        else expectNoData(res.body);
      }
    }
    expect(failures).toEqual([]);
  });

  test("another account's key: 403 with no data on the account's routes, admin routes and ingestion", async () => {
    const failures: string[] = [];
    for (const r of s.app.routeTable.filter((x) => !x.public)) {
      const res = await send(r.method, r.url, bearer(otherKey));
      if (res.statusCode === 403) {
        expectNoData(res.body);
        continue;
      }
      // Only a route about the caller itself (e.g. "who am I") may answer, and never with the victim's data.
      const aboutTheVictim = r.url.includes(':account') || r.url === '/api/v1/events';
      if (aboutTheVictim || res.statusCode < 400 && /"demo"|6281111|agent1/.test(res.body)) {
        failures.push(`${r.method} ${r.url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("the account's own key is let through on its own routes (the 403s above are about the account)", async () => {
    // Account routes, less the admin-only tools under /api/v1/admin/.
    const own = s.app.routeTable.filter((x) => !x.public && x.url.includes(':account') && x.method === 'GET' && !x.url.startsWith('/api/v1/admin/'));
    expect(own.length).toBeGreaterThan(0);
    for (const r of own) {
      const res = await send(r.method, r.url, bearer(demoKey));
      expect([401, 403], `${r.method} ${r.url}`).not.toContain(res.statusCode);
    }
  });
});
