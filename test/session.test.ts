import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, postNdjson, startServer, type TestServer } from './helpers.ts';
import { SESSION_TTL_MS } from '../api/session.ts';

let s: TestServer;
let acmeKey: string;
const XRW = { 'x-requested-with': 'dashboard' };

beforeAll(async () => {
  s = await startServer();
  acmeKey = await s.accountKey('acme');
});
afterAll(async () => s?.close());

async function signIn(key: string) {
  return s.app.inject({ method: 'POST', url: '/api/v1/session', headers: XRW, payload: { key } });
}
/** The `ca_session=...` pair of a sign-in answer, as a browser would send it back. */
function cookieOf(res: { headers: Record<string, unknown> }): string {
  const set = String(res.headers['set-cookie']);
  return set.split(';')[0];
}

describe('session cookie', () => {
  it('sign-in sets an httpOnly, SameSite=Strict, signed cookie that expires in 12 h', async () => {
    const res = await signIn(acmeKey);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ role: 'account', account_id: 'acme' });
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^ca_session=[0-9a-f]{12}\.\d{13}\.[^;]+;/);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).not.toMatch(/Secure/); // plain http
    const expires = Date.parse(/Expires=([^;]+)/.exec(set)![1]);
    expect(Math.abs(expires - (Date.now() + SESSION_TTL_MS))).toBeLessThan(60_000);
    // The key itself is never in the cookie.
    expect(set).not.toContain(acmeKey);
  });

  it('the secret is made once in DATA_DIR/session.secret, mode 0600', () => {
    const st = fs.statSync(path.join(s.dataDir, 'session.secret'));
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('a wrong key gets 401 and no cookie; sign-in without the CSRF header gets 403', async () => {
    const bad = await signIn('cak_000000000000_' + 'x'.repeat(43));
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();
    const noHeader = await s.app.inject({ method: 'POST', url: '/api/v1/session', payload: { key: acmeKey } });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.code).toBe('csrf');
  });

  it('the cookie reads its own account, 403 elsewhere, and who-am-I answers', async () => {
    const c = cookieOf(await signIn(acmeKey));
    const me = await s.app.inject({ url: '/api/v1/session', headers: { cookie: c } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ role: 'account', account_id: 'acme', expires_at: expect.any(String) });
    expect((await s.app.inject({ url: '/api/v1/accounts/acme/settings', headers: { cookie: c } })).statusCode).toBe(200);
    expect((await s.app.inject({ url: '/api/v1/accounts/other/settings', headers: { cookie: c } })).statusCode).toBe(403);
    expect((await s.app.inject({ url: '/api/v1/session/accounts', headers: { cookie: c } })).json()).toEqual({ items: ['acme'] });
    // No plan yet: the default time zone.
    expect((await s.app.inject({ url: '/api/v1/session/accounts/acme', headers: { cookie: c } })).json()).toEqual({ account_id: 'acme', timezone: 'Asia/Jakarta' });
    expect((await s.app.inject({ url: '/api/v1/session/accounts/other', headers: { cookie: c } })).statusCode).toBe(403);
  });

  it('no cookie and no key: 401 everywhere', async () => {
    expect((await s.app.inject({ url: '/api/v1/session' })).statusCode).toBe(401);
    expect((await s.app.inject({ url: '/api/v1/accounts/acme/settings' })).statusCode).toBe(401);
  });

  it('state-changing requests by cookie need the CSRF header; bearer requests do not', async () => {
    const c = cookieOf(await signIn(acmeKey));
    const body = { low_balance_threshold: 1000 };
    const without = await s.app.inject({ method: 'PUT', url: '/api/v1/accounts/acme/settings', headers: { cookie: c }, payload: body });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf');
    const withHeader = await s.app.inject({ method: 'PUT', url: '/api/v1/accounts/acme/settings', headers: { cookie: c, ...XRW }, payload: body });
    expect(withHeader.statusCode).toBe(200);
    const byKey = await s.app.inject({ method: 'PUT', url: '/api/v1/accounts/acme/settings', headers: bearer(acmeKey), payload: body });
    expect(byKey.statusCode).toBe(200);
  });

  it('a tampered or expired cookie gets 401', async () => {
    const c = cookieOf(await signIn(acmeKey));
    const [name, value] = c.split('=');
    const [id, , sig] = decodeURIComponent(value).split('.');
    const later = `${name}=${encodeURIComponent(`${id}.${Date.now() + 10 * SESSION_TTL_MS}.${sig}`)}`;
    expect((await s.app.inject({ url: '/api/v1/session', headers: { cookie: later } })).statusCode).toBe(401);
    // Correctly signed, but past its expiry.
    const secret = fs.readFileSync(path.join(s.dataDir, 'session.secret'), 'utf8').trim();
    const old = `${name}=${encodeURIComponent(cookie.sign(`${id}.${Date.now() - 1000}`, secret))}`;
    const res = await s.app.inject({ url: '/api/v1/accounts/acme/settings', headers: { cookie: old } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/expired/);
  });

  it('an admin session can read any account and lists the accounts to switch between', async () => {
    await s.accountKey('zeta');
    const plan = { id: 'p1', type: 'plan.changed', account_id: 'zeta', occurred_at: '2026-09-01T00:00:00+08:00', mcc_free_monthly: 0, muv_free_monthly: 0, price_mcc_service: 275, price_mcc_initiated: 460, price_muv: 600, mcc_rollover: true, timezone: 'Asia/Makassar' };
    expect((await postNdjson(s.app, s.adminKey, JSON.stringify(plan) + '\n')).json().accepted).toBe(1);
    const c = cookieOf(await signIn(s.adminKey));
    expect((await s.app.inject({ url: '/api/v1/session/accounts/zeta', headers: { cookie: c } })).json()).toEqual({ account_id: 'zeta', timezone: 'Asia/Makassar' });
    expect((await s.app.inject({ url: '/api/v1/accounts/acme/settings', headers: { cookie: c } })).statusCode).toBe(200);
    expect((await s.app.inject({ url: '/api/v1/accounts/zeta/settings', headers: { cookie: c } })).statusCode).toBe(200);
    const list = (await s.app.inject({ url: '/api/v1/session/accounts', headers: { cookie: c } })).json();
    expect(list.items).toEqual(expect.arrayContaining(['acme', 'zeta']));
    // An account with neither events nor a key is not found (not an empty account).
    const none = await s.app.inject({ url: '/api/v1/session/accounts/nobody', headers: { cookie: c } });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('not_found');
  });

  it('sign-out clears the cookie; revoking the key ends its sessions', async () => {
    const out = await s.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: XRW });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^ca_session=;.*Expires=Thu, 01 Jan 1970/);

    const { key } = (await s.app.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(s.adminKey), payload: { account: 'acme' } })).json();
    const c = cookieOf(await signIn(key));
    expect((await s.app.inject({ url: '/api/v1/session', headers: { cookie: c } })).statusCode).toBe(200);
    const id = /^cak_([0-9a-f]{12})_/.exec(key)![1];
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/keys/${id}`, headers: bearer(s.adminKey) })).statusCode).toBe(200);
    const after = await s.app.inject({ url: '/api/v1/session', headers: { cookie: c } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toMatch(/revoked/);
  });
});
