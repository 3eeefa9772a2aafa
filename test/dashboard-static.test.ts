import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers.ts';
import { dashboardIsStale, ensureDashboardBuilt } from '../api/dashboard-build.ts';
import { DASHBOARD_DIR, dashboardRoutes } from '../api/dashboard.ts';
import { installErrorHandler } from '../api/errors.ts';

let s: TestServer;

beforeAll(async () => {
  await ensureDashboardBuilt(() => undefined);
  s = await startServer();
}, 180_000);
afterAll(async () => s?.close());

describe('the built dashboard at /', () => {
  it('is fresh after ensureDashboardBuilt', () => {
    expect(dashboardIsStale()).toBe(false);
  });

  it('serves index.html at / and at the app\'s own paths (SPA fallback), never cached', async () => {
    for (const url of ['/', '/overview', '/billing?account=demo&range=7d', '/rooms/anything']) {
      const res = await s.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="app"></div>');
    }
  });

  it('serves the hashed assets with a long cache and the CSP from the security headers', async () => {
    const index = (await s.app.inject({ url: '/' })).body;
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(index)![1];
    const res = await s.app.inject({ url: js });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toMatch(/immutable/);
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('keeps JSON 404s for unknown API paths, and 404s for missing files', async () => {
    const api = await s.app.inject({ url: '/api/v1/no-such-thing' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('not_found');
    expect((await s.app.inject({ url: '/assets/missing-123.js' })).statusCode).toBe(404);
    expect((await s.app.inject({ url: '/favicon.ico' })).statusCode).toBe(404);
  });

  it('never serves a file outside the build', async () => {
    for (const url of ['/..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2f..%2fpackage.json']) {
      const res = await s.app.inject({ url });
      expect(res.body, url).not.toContain('"dependencies"');
    }
  });

  it('says how to build it when there is no build', async () => {
    const app = Fastify();
    installErrorHandler(app);
    await app.register(dashboardRoutes, { root: fs.mkdtempSync(path.join(os.tmpdir(), 'no-dashboard-')) });
    const res = await app.inject({ url: '/overview' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toMatch(/npm run build/);
    await app.close();
  });

  it('two builds asked for at once build once; the other finds the build fresh', async () => {
    // A source newer than the build (only its time changes).
    const src = path.resolve(DASHBOARD_DIR, '../../dashboard/index.html');
    const now = new Date();
    fs.utimesSync(src, now, now);
    expect(dashboardIsStale()).toBe(true);
    const results = await Promise.all([ensureDashboardBuilt(() => undefined), ensureDashboardBuilt(() => undefined)]);
    expect(results.sort()).toEqual(['built', 'fresh']);
    expect(dashboardIsStale()).toBe(false);
    expect((await s.app.inject({ url: '/' })).statusCode).toBe(200);
  }, 120_000);

  it('sees a build as stale when it is missing or older than dashboard/', () => {
    expect(dashboardIsStale(path.join(os.tmpdir(), 'never-built'))).toBe(true);
    const old = fs.mkdtempSync(path.join(os.tmpdir(), 'old-build-'));
    fs.writeFileSync(path.join(old, 'index.html'), '');
    fs.utimesSync(path.join(old, 'index.html'), new Date(0), new Date(0));
    expect(dashboardIsStale(old)).toBe(true);
    expect(fs.existsSync(path.join(DASHBOARD_DIR, 'index.html'))).toBe(true);
  });
});
