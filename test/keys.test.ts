import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, startServer, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ RATE_LIMIT_PER_MIN: '40' });
});
afterAll(async () => s?.close());

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, key: string, payload?: unknown) =>
  s.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload: payload as object } : {}) });

describe('API keys', () => {
  test('are stored as SHA-256 hashes, never in clear', async () => {
    const created = (await call('POST', '/api/v1/keys', s.adminKey, { account: 'acme', name: 'ops' })).json();
    expect(created.key).toMatch(/^cak_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const rows = await s.db.query<{ hash: string }>('SELECT hash FROM api_keys FINAL WHERE key_id = {id:String}', { id: created.key_id });
    expect(rows[0].hash).toBe(crypto.createHash('sha256').update(created.key).digest('hex'));
    const dump = JSON.stringify(await s.db.query('SELECT * FROM api_keys'));
    expect(dump).not.toContain(created.key);
  });

  test('a key with a right id but a wrong secret is refused', async () => {
    const created = (await call('POST', '/api/v1/keys', s.adminKey, { account: 'acme' })).json();
    const forged = created.key.slice(0, -4) + (created.key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await call('GET', '/api/v1/accounts/acme/settings', forged)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/accounts/acme/settings', created.key)).statusCode).toBe(200);
  });

  test('revoked keys stop working at once; rotation gives a working key and revokes the old one', async () => {
    const a = (await call('POST', '/api/v1/keys', s.adminKey, { account: 'rot', name: 'crm' })).json();
    expect((await call('GET', '/api/v1/accounts/rot/settings', a.key)).statusCode).toBe(200);
    const rotated = await call('POST', `/api/v1/keys/${a.key_id}/rotate`, s.adminKey);
    expect(rotated.statusCode).toBe(201);
    const b = rotated.json();
    expect(b).toMatchObject({ replaces: a.key_id, account_id: 'rot', name: 'crm', role: 'account' });
    expect((await call('GET', '/api/v1/accounts/rot/settings', a.key)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/accounts/rot/settings', b.key)).statusCode).toBe(200);
    expect((await call('DELETE', `/api/v1/keys/${b.key_id}`, s.adminKey)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/accounts/rot/settings', b.key)).statusCode).toBe(401);
    expect((await call('DELETE', '/api/v1/keys/000000000000', s.adminKey)).statusCode).toBe(404);
  });

  test('key changes are in the audit log, with the acting key', async () => {
    const a = (await call('POST', '/api/v1/keys', s.adminKey, { account: 'aud' })).json();
    await call('DELETE', `/api/v1/keys/${a.key_id}`, s.adminKey);
    const log = (await call('GET', '/api/v1/audit?account=aud', s.adminKey)).json().items;
    expect(log.map((e: { action: string }) => e.action)).toEqual(['key.revoke', 'key.create']);
    expect(log.every((e: { target: string }) => e.target === a.key_id)).toBe(true);
    const admin = (await call('GET', '/api/v1/keys', s.adminKey)).json().items.find((k: { role: string; name: string }) => k.role === 'admin');
    expect(log[0].actor_key_id).toBe(admin.key_id);
  });

  test('account keys cannot manage keys or read the audit log', async () => {
    const k = await s.accountKey('acme');
    for (const [m, u] of [['GET', '/api/v1/keys'], ['POST', '/api/v1/keys'], ['GET', '/api/v1/audit'], ['DELETE', '/api/v1/keys/000000000000']] as const) {
      expect((await call(m, u, k, m === 'POST' ? {} : undefined)).statusCode, `${m} ${u}`).toBe(403);
    }
  });
});

describe('limits and headers', () => {
  test('security headers are set and CORS is off unless configured', async () => {
    const r = await s.app.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('past the per-key budget: 429 with Retry-After; another key is not affected', async () => {
    const k = await s.accountKey('busy');
    let last;
    for (let i = 0; i < 45; i++) last = await call('GET', '/api/v1/accounts/busy/settings', k);
    expect(last!.statusCode).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.json().error.code).toBe('rate_limited');
    const other = await s.accountKey('calm');
    expect((await call('GET', '/api/v1/accounts/calm/settings', other)).statusCode).toBe(200);
  });
});
