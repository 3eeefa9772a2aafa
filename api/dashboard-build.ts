import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_DIR } from './dashboard.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What the build is made from: a change in any of these makes the build stale. */
const SOURCES = [path.join(ROOT, 'dashboard'), path.join(ROOT, 'vite.config.ts')];

/** Newest modification time (ms) of a file or of the files under a directory. */
function newestMtime(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

/** Is dist/dashboard missing or older than a file under dashboard/ (or vite.config.ts)? */
export function dashboardIsStale(out = DASHBOARD_DIR): boolean {
  let built: number;
  try {
    built = fs.statSync(path.join(out, 'index.html')).mtimeMs;
  } catch {
    return true;
  }
  return Math.max(...SOURCES.map(newestMtime)) > built;
}

/**
 * Builds the dashboard with Vite (programmatically, in this process) when the build is
 * missing or stale. The build goes to a fresh directory that then replaces the old one,
 * so a server never sees half a build. Vite is a dev dependency: where
 * it is not installed, an existing build is served as it is.
 */
export async function ensureDashboardBuilt(log: (msg: string) => void = console.log): Promise<'fresh' | 'built' | 'unavailable' | 'failed'> {
  if (!dashboardIsStale()) return 'fresh';
  // One build at a time (two test files, or a server and a test, may ask together); the
  // ones that waited find the build fresh.
  const release = await buildLock();
  try {
    if (!dashboardIsStale()) return 'fresh';
    return await build(log);
  } finally {
    release();
  }
}

const LOCK = `${DASHBOARD_DIR}.lock`;
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

async function buildLock(): Promise<() => void> {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      return () => fs.rmSync(LOCK, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    try {
      if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
    } catch {
      /* released meanwhile */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function build(log: (msg: string) => void): Promise<'built' | 'unavailable' | 'failed'> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log(fs.existsSync(path.join(DASHBOARD_DIR, 'index.html'))
      ? 'The dashboard build is older than its sources, and Vite is not installed to rebuild it; serving the old build.'
      : 'The dashboard is not built and Vite is not installed (npm install without --omit=dev builds it).');
    return 'unavailable';
  }
  const t0 = performance.now();
  log('Building the dashboard (dashboard/ changed since the last build)…');
  const tmp = `${DASHBOARD_DIR}.tmp-${process.pid}-${Date.now()}`;
  try {
    // The production build whatever NODE_ENV says: under vitest it is "test", and Vite and
    // Svelte would then make a development build (larger, with dev-time checks).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await vite.build({ configFile: path.join(ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
    } catch (err) {
      // The API does not depend on the dashboard: say why it is missing and serve the rest.
      log(`The dashboard build failed, the API starts without it (or with the previous build): ${(err as Error).message}`);
      return 'failed';
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    const old = `${DASHBOARD_DIR}.old-${process.pid}-${Date.now()}`;
    try {
      fs.renameSync(DASHBOARD_DIR, old);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    try {
      fs.renameSync(tmp, DASHBOARD_DIR);
    } catch (err) {
      // Another process put its build in place between the two renames: it is as fresh as this one.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`Dashboard built in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
  return 'built';
}
