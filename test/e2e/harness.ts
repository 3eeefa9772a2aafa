import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureDashboardBuilt } from '../../api/dashboard-build.ts';
import { clockFrom } from '../../core/clock.ts';
import { EXAMPLE_NDJSON, postNdjson, startServer, type TestServer } from '../helpers.ts';

/**
 * "Now" of the end-to-end tests, for the server (its clock starts here and runs on) and for
 * the browser (Date is fixed here): the pages' defaults ("today", "this month") then fall
 * on the same days whatever day the suite runs.
 */
export const E2E_NOW = Date.parse('2026-12-02T10:00:00+07:00');

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
/** Debian's Chromium (.ci/apt-packages installs it); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface DashboardServer {
  server: TestServer;
  url: string;
  /** Key of the worked example's account `demo`. */
  demoKey: string;
  close(): Promise<void>;
}

/**
 * The real app on real embedded ClickHouse, listening on 127.0.0.1 (a random port), with
 * the built dashboard and the worked example (spec-example.ndjson) stored through the
 * ingestion endpoint.
 */
export async function startDashboardServer(): Promise<DashboardServer> {
  await ensureDashboardBuilt(() => undefined);
  const server = await startServer({}, { clock: clockFrom(E2E_NOW) });
  const res = await postNdjson(server.app, server.adminKey, fs.readFileSync(EXAMPLE_NDJSON));
  if (res.json().accepted !== 42) throw new Error(`the worked example did not load: ${res.body}`);
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  const demoKey = await server.accountKey('demo');
  return { server, url, demoKey, close: () => server.close() };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(opts: { locale?: string } = {}): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: apt-get install chromium (.ci/apt-packages lists it), or set CHROMIUM_PATH`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: opts.locale ?? 'en-GB',
    // The browser's own zone is fixed too (the pages show the account's zone; UTC is what the machines had).
    timezoneId: 'UTC',
    viewport: { width: 1280, height: 900 },
    // Not under libfaketime (`faketime … npm test`): Chromium spins on its faked clock calls.
    // The page's clock is set below instead.
    env: browserEnv(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  await context.clock.setFixedTime(E2E_NOW);
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** This process's environment without libfaketime's variables (LD_PRELOAD, FAKETIME*). */
function browserEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'LD_PRELOAD' && !k.startsWith('FAKETIME')) env[k] = v;
  return env;
}

/** Console errors and uncaught exceptions of a page, collected from now on. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** How many canvases under `selector` have drawn pixels (not all transparent or one colour). */
export async function drawnCanvases(page: Page, selector: string): Promise<{ canvases: number; drawn: number }> {
  return page.$$eval(`${selector} canvas`, (els) => {
    let drawn = 0;
    for (const el of els as HTMLCanvasElement[]) {
      const ctx = el.getContext('2d');
      if (!ctx || !el.width || !el.height) continue;
      const px = ctx.getImageData(0, 0, el.width, el.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < px.length && colours.size < 3; i += 4 * 7) if (px[i + 3] > 0) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      if (colours.size >= 2) drawn++;
    }
    return { canvases: els.length, drawn };
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Gzipped bytes of every script a page load fetched (what the README's bundle figure counts). */
export function recordScripts(page: Page): () => Promise<{ files: string[]; gzipBytes: number; rawBytes: number }> {
  const pending: Array<Promise<{ url: string; raw: number; gz: number } | null>> = [];
  page.on('response', (r) => {
    if (r.request().resourceType() !== 'script') return;
    pending.push(
      r.body().then(
        (b) => ({ url: r.url(), raw: b.length, gz: zlib.gzipSync(b, { level: 9 }).length }),
        () => null,
      ),
    );
  });
  return async () => {
    const all = (await Promise.all(pending)).filter((x) => x !== null);
    return { files: all.map((x) => x.url), gzipBytes: all.reduce((a, x) => a + x.gz, 0), rawBytes: all.reduce((a, x) => a + x.raw, 0) };
  };
}
