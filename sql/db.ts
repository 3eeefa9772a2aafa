import fs from 'node:fs';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../api/config.ts';

/**
 * The one way to reach ClickHouse. Embedded chDB by default (in-process, data in
 * DATA_DIR/clickhouse), or a ClickHouse server when CLICKHOUSE_URL is set. Both are
 * driven through @clickhouse/client, so every query runs the same SQL.
 *
 * Reads and ingestion use separate connections: one chDB connection runs one query at
 * a time, so a slow report on a shared connection would stall ingestion behind it.
 */
export interface Db {
  mode: 'embedded' | 'server';
  /** Used by ingestion only. */
  write: ClickHouseClient;
  /** A query on the least busy read connection; values only through `params`. */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>, settings?: Record<string, unknown>): Promise<T[]>;
  /** A statement without result (DDL, INSERT ... SELECT) on a read connection. */
  command(sql: string, params?: Record<string, unknown>, settings?: Record<string, unknown>): Promise<void>;
  /** A read connection for callers that need the raw client (streams). */
  reader(): ClickHouseClient;
  cluster?: string;
  /** True when the previous process on this embedded store died without releasing it. */
  crashed: boolean;
  version(): Promise<string>;
  close(): Promise<void>;
}

export class DataDirBusyError extends Error {
  readonly code = 'DATA_DIR_BUSY';
}

/** For commands: opens the store, or prints the one-sentence "directory in use" message and exits 1. */
export async function openDbOrExit(cfg: Config, opts: { readers?: number } = {}): Promise<Db> {
  try {
    return await openDb(cfg, opts);
  } catch (err) {
    if (err instanceof DataDirBusyError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** Number of read connections to embedded chDB: queries on different connections run in parallel. */
const EMBEDDED_READERS = 3;

export async function openDb(cfg: Config, opts: { readers?: number } = {}): Promise<Db> {
  if (cfg.clickhouse.url) return openServer(cfg);
  return openEmbedded(cfg.dataDir, opts.readers ?? EMBEDDED_READERS);
}

function openServer(cfg: Config): Db {
  const client = createClient({
    url: cfg.clickhouse.url,
    username: cfg.clickhouse.user,
    password: cfg.clickhouse.password,
    database: cfg.clickhouse.database,
    max_open_connections: 16,
    request_timeout: 300_000,
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
  return wrap('server', client, [client], cfg.clickhouse.cluster, async () => {
    await client.close();
  });
}

async function openEmbedded(dataDir: string, readers: number): Promise<Db> {
  fs.mkdirSync(dataDir, { recursive: true });
  const { release, crashed } = takeLock(dataDir);
  const { createChdbConnection } = await import('chdb/connection');
  const storePath = path.join(dataDir, 'clickhouse');
  const clients: ClickHouseClient[] = [];
  try {
    for (let i = 0; i < readers + 1; i++) {
      clients.push(createClient({ connection: createChdbConnection({ path: storePath }) as never }));
    }
  } catch (err) {
    release();
    const e = err as { code?: string; message?: string };
    if (e.code === 'CHDB_CONNECTION') {
      throw new DataDirBusyError(
        `The data directory ${dataDir} is in use by another process; stop that process (or point DATA_DIR elsewhere), ` +
          `or send your work through the running server's HTTP API (npm run import / npm run key use it).`,
      );
    }
    throw err;
  }
  const [write, ...read] = clients;
  const db = wrap('embedded', write, read, undefined, async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    release();
  });
  db.crashed = crashed;
  return db;
}

function wrap(mode: Db['mode'], write: ClickHouseClient, read: ClickHouseClient[], cluster: string | undefined, close: () => Promise<void>): Db {
  const busy = new Map<ClickHouseClient, number>(read.map((c) => [c, 0]));
  const pick = (): ClickHouseClient => {
    let best = read[0];
    for (const c of read) if ((busy.get(c) ?? 0) < (busy.get(best) ?? 0)) best = c;
    return best;
  };
  const withReader = async <T>(fn: (c: ClickHouseClient) => Promise<T>): Promise<T> => {
    const c = pick();
    busy.set(c, (busy.get(c) ?? 0) + 1);
    try {
      return await fn(c);
    } finally {
      busy.set(c, (busy.get(c) ?? 1) - 1);
    }
  };
  return {
    mode,
    write,
    cluster,
    crashed: false,
    reader: pick,
    query: <T>(sql: string, params?: Record<string, unknown>, settings?: Record<string, unknown>) =>
      withReader(async (c) => {
        const rs = await c.query({ query: sql, query_params: params, format: 'JSONEachRow', clickhouse_settings: settings as never });
        return (await rs.json()) as T[];
      }),
    command: (sql, params, settings) =>
      withReader(async (c) => {
        await c.command({ query: sql, query_params: params, clickhouse_settings: settings as never });
      }),
    version: async () => {
      const rs = await write.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
      return ((await rs.json()) as Array<{ v: string }>)[0].v;
    },
    close,
  };
}

/**
 * chDB allows one process per data directory. We keep our own lock file next to the
 * store so that a second process can say which process holds it instead of failing
 * inside the engine.
 */
function takeLock(dataDir: string): { release: () => void; crashed: boolean } {
  const file = path.join(dataDir, 'server.lock');
  const holder = readLock(file);
  if (holder && holder.pid !== process.pid && alive(holder.pid)) {
    const where = holder.url ? ` (its server answers at ${holder.url})` : '';
    throw new DataDirBusyError(
      `The data directory ${dataDir} is in use by process ${holder.pid}${where}; ` +
        `stop that process, point DATA_DIR elsewhere, or send your work through its HTTP API ` +
        `(npm run import -- FILE --url ..., npm run key -- create --url ...).`,
    );
  }
  // A lock left by a dead process: that process did not stop cleanly.
  const crashed = !!holder && holder.pid !== process.pid;
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, started: new Date().toISOString() }));
  const release = () => {
    const now = readLock(file);
    if (now?.pid === process.pid) fs.rmSync(file, { force: true });
  };
  return { release, crashed };
}

export function readLock(file: string): { pid: number; url?: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Records the URL of the server holding the directory, for the message above and for the CLIs. */
export function announceServerUrl(dataDir: string, url: string): void {
  const file = path.join(dataDir, 'server.lock');
  const lock = readLock(file);
  if (lock?.pid === process.pid) fs.writeFileSync(file, JSON.stringify({ ...lock, url }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
