import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../core/config.ts';
import { buildApp } from '../api/app.ts';
import { createKey } from '../api/keys.ts';
import { openDb, type Db } from '../sql/db.ts';
import { migrate } from '../sql/migrate.ts';
import type { Clock } from '../core/clock.ts';

/** How much slower this run is: 10 under libfaketime, which slows chDB about 10x (vitest.config.ts); waits in tests stretch by it. */
export const SLOW = process.env.FAKETIME ? 10 : 1;

/** Polls `fn` every 100 ms until it gives a truthy value, or fails naming `what` after `ms` (stretched under faketime). */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000 * SLOW): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const EXAMPLE_NDJSON = path.join(FIXTURES, 'spec-example.ndjson');
export const EXAMPLE_EXPECTED = path.join(FIXTURES, 'spec-example.expected.json');

export interface TestServer {
  app: FastifyInstance;
  db: Db;
  config: Config;
  dataDir: string;
  adminKey: string;
  /** Makes (and caches) a key bound to one account. */
  accountKey(account: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real server on real embedded chDB in a fresh temporary DATA_DIR (one per test file: one
 * engine per process). `clock` puts the server at a fixed moment (core/clock.ts): any test
 * whose numbers depend on "now" passes one, so the suite passes on any day.
 */
export async function startServer(env: Record<string, string> = {}, opts: { clock?: Clock } = {}): Promise<TestServer> {
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chat-analytics-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, DEMO: '0', ...env });
  const db = await openDb(config, { readers: 2 });
  await migrate(db);
  const { key: adminKey } = await createKey(db, { name: 'test admin' });
  const app = await buildApp({ config, db, clock: opts.clock, logger: process.env.TEST_LOG ? { level: process.env.TEST_LOG } : false });
  await app.ready();
  const keys = new Map<string, string>();
  return {
    app,
    db,
    config,
    dataDir,
    adminKey,
    async accountKey(account) {
      if (!keys.has(account)) keys.set(account, (await createKey(db, { account })).key);
      return keys.get(account)!;
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** A copy of `xs` in a seeded order (Fisher-Yates with a linear congruential generator): the same seed, the same order, on any machine. */
export function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Numbers in [0, 1) from a seed (mulberry32): the same log every run, on any machine. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** POSTs NDJSON text to /api/v1/events through the real HTTP layer. */
export async function postNdjson(app: FastifyInstance, key: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: { 'content-type': 'application/x-ndjson', ...bearer(key), ...headers },
    payload: body,
  });
}
