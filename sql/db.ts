import fs from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import { pidAlive, processIdentity } from '../core/process.ts';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../core/config.ts';
import { inlineParams } from './literals.ts';

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
  /**
   * Inserts JSONEachRow bytes into `table` (a name written in code, never from a request)
   * on the write connection. Embedded, through chDB's raw insert: the bytes go to the
   * engine as they are and are parsed off the event loop, where @clickhouse/client would
   * first build the whole insert as one JS string (measured on 100k-row batches with the
   * views: 120k rows/s raw against 83k). On a server, the client's insert of a byte stream.
   */
  insertJsonRows(table: string, rows: Buffer, settings: Record<string, string | number>): Promise<void>;
  /** A query on the least busy read connection; values only through `params`. */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>, settings?: Record<string, unknown>): Promise<T[]>;
  /** A statement without result (DDL, INSERT ... SELECT) on a read connection. */
  command(sql: string, params?: Record<string, unknown>, settings?: Record<string, unknown>): Promise<void>;
  /** A read connection for callers that need the raw client (streams); outside the read queue. */
  reader(): ClickHouseClient;
  /**
   * Runs `fn` as one admitted request: the READ_QUEUE_MAX bound is checked once, here, and
   * the queries `fn` makes then wait for a connection but are never refused. A report that
   * needs several queries is thus either answered or refused whole, never cut off halfway
   * after spending some of them.
   */
  admit<T>(fn: () => Promise<T>): Promise<T>;
  cluster?: string;
  /** True when the previous process on this embedded store died without releasing it. */
  crashed: boolean;
  /** The read pool's load right now, for /health: it never waits behind the queue. */
  readStats(): ReadStats;
  version(): Promise<string>;
  close(): Promise<void>;
}

export class DataDirBusyError extends Error {
  readonly code = 'DATA_DIR_BUSY';
}

/**
 * A read was refused because READ_QUEUE_MAX reads already wait for a connection: the
 * API answers 503 with Retry-After (api/errors.ts) instead of holding the request.
 */
export class StoreOverloadedError extends Error {
  readonly code = 'STORE_OVERLOADED';
}

/**
 * How many store queries one request may cause while authenticating (api/auth.ts): an
 * address with too many failures may not cause any, and `queried` tells whether a failure
 * cost one (only those count).
 */
export interface QueryBudget {
  mayQuery: boolean;
  queried: boolean;
}
export const freeBudget = (): QueryBudget => ({ mayQuery: true, queried: false });

/** Thrown instead of a query that the budget does not allow. */
export class QueryNotAllowedError extends Error {}

/** Marks a query as spent, or throws when the budget allows none. */
export function spend(budget: QueryBudget): void {
  if (!budget.mayQuery) throw new QueryNotAllowedError('this answer needs the store, which the budget does not allow');
  budget.queried = true;
}

export interface ReadStats {
  /** Reads on a connection now. */
  running: number;
  /** Reads waiting for a connection. */
  queued: number;
  /** Requests admitted by `admit` and not yet answered. */
  admitted: number;
  /** Most reads that may wait (READ_QUEUE_MAX); 0 = no bound. */
  max: number;
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
/** Longest embedded query with inlined values; ClickHouse's max_query_size is 262144 bytes. */
const INLINE_MAX_BYTES = 250_000;
/** Reads at a time on a ClickHouse server (of its 16 sockets). */
const SERVER_READ_SLOTS = 8;

export async function openDb(cfg: Config, opts: { readers?: number } = {}): Promise<Db> {
  if (cfg.clickhouse.url) return openServer(cfg);
  return openEmbedded(cfg.dataDir, opts.readers ?? EMBEDDED_READERS, cfg.readQueueMax);
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
  // One client, SERVER_READ_SLOTS reads at a time (its sockets beyond those serve streams and inserts).
  return wrap('server', client, Array(SERVER_READ_SLOTS).fill(client), cfg.clickhouse.cluster, cfg.readQueueMax, async () => {
    await client.close();
  });
}

async function openEmbedded(dataDir: string, readers: number, queueMax: number): Promise<Db> {
  fs.mkdirSync(dataDir, { recursive: true });
  const { release, crashed } = takeLock(dataDir);
  const { createChdbConnection } = await import('chdb/connection');
  const storePath = path.join(dataDir, 'clickhouse');
  const clients: ClickHouseClient[] = [];
  const connections: Array<ReturnType<typeof createChdbConnection>> = [];
  try {
    for (let i = 0; i < readers + 1; i++) {
      const c = createChdbConnection({ path: storePath });
      connections.push(c);
      clients.push(createClient({ connection: c as never }));
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
  const writeConnection = connections[0];
  const db = wrap('embedded', write, read, undefined, queueMax, async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    release();
  });
  db.crashed = crashed;
  db.insertJsonRows = async (table, rows, settings) => {
    try {
      await writeConnection.chdb.rawInsert({ table, values: rows, format: 'JSONEachRow', settings });
    } catch (err) {
      // As @clickhouse/client reports it: the engine's error code as `code`, its message without the "Code: N. DB::Exception: " head.
      const code = (err as { clickhouseCode?: number }).clickhouseCode;
      if (code === undefined) throw err;
      throw Object.assign(new Error(String((err as Error).message).replace(/^Code: \d+\. DB::Exception: /, ''), { cause: err }), { code: String(code) });
    }
  };
  return db;
}

/**
 * Marks the async context of an admitted request (Db.admit): its queries are not refused,
 * and `memo` keeps what the request has read once and may reuse (sql/account.ts keeps the
 * account's data version there: read after the request came in, so still fresh for it).
 */
const admittedContext = new AsyncLocalStorage<{ memo: Map<string, unknown> }>();

/** The memo of the admitted request this code runs in, if any. */
export function requestMemo(): Map<string, unknown> | undefined {
  return admittedContext.getStore()?.memo;
}

/**
 * Reads take a slot (one per embedded connection, which runs one query at a time; a few
 * on a server) and wait in FIFO order when every slot is busy. The bound `queueMax` is
 * counted in requests: `admit` lets a request in while fewer than slots + queueMax are in
 * and fewer than queueMax lone queries (outside any admitted request) wait, and then runs
 * all its queries; a lone query is refused when queueMax lone queries already wait. Refused reads fail at once with StoreOverloadedError, so
 * under overload callers get a quick 503 instead of a connection held for seconds.
 */
function wrap(mode: Db['mode'], write: ClickHouseClient, read: ClickHouseClient[], cluster: string | undefined, queueMax: number, close: () => Promise<void>): Db {
  const slots = read.map((c) => ({ c, busy: 0 }));
  const waiting: Array<(slot: (typeof slots)[number]) => void> = [];
  let running = 0;
  /** Queries waiting that are not part of an admitted request: the bound counts these and the requests. */
  let waitingOutside = 0;
  const pick = (): ClickHouseClient => slots.reduce((a, b) => (b.busy < a.busy ? b : a)).c;
  // A slot is marked busy by whoever hands it out, so no other read can take it in between.
  const acquire = async (): Promise<(typeof slots)[number]> => {
    const free = slots.find((s) => s.busy === 0);
    if (free) {
      free.busy++;
      running++;
      return free;
    }
    const inRequest = !!admittedContext.getStore();
    if (queueMax > 0 && !inRequest && waitingOutside >= queueMax) {
      throw new StoreOverloadedError(`the store is busy: ${running} reads running and ${waiting.length} waiting (READ_QUEUE_MAX ${queueMax})`);
    }
    if (!inRequest) waitingOutside++;
    return new Promise((resolve) =>
      waiting.push((slot) => {
        if (!inRequest) waitingOutside--;
        resolve(slot);
      }),
    );
  };
  const withReader = async <T>(fn: (c: ClickHouseClient) => Promise<T>): Promise<T> => {
    const slot = await acquire();
    try {
      return await fn(slot.c);
    } finally {
      const next = waiting.shift();
      // The oldest waiter inherits the slot as it is (still counted busy and running).
      if (next) next(slot);
      else {
        slot.busy--;
        running--;
      }
    }
  };
  // Embedded, values go as literals (sql/literals.ts) instead of bound parameters: chDB's
  // Node binding runs every query with parameters one at a time in the whole process
  // (globalParamChain in chdb/index.js: its parameter state is not per connection), so the
  // read connections would take turns. Measured: 40 concurrent 4 ms queries 219/s bound, 269/s
  // inlined; the summary endpoint under 10 connections (bench/load.ts, 500k events, 2 CPUs)
  // 22 req/s p50 452 ms bound, 28 req/s p50 327 ms inlined. A query whose literals would pass
  // max_query_size (256 KiB; bound values do not count against it), such as a long id list of
  // ingestion or billing, stays bound. Server mode keeps bound parameters: a server binds them
  // per query, in parallel.
  const statement = (sql: string, params?: Record<string, unknown>): { query: string; query_params?: Record<string, unknown> } => {
    if (mode !== 'embedded' || !params || Object.keys(params).length === 0) return { query: sql, query_params: params };
    const inlined = inlineParams(sql, params);
    return Buffer.byteLength(inlined) <= INLINE_MAX_BYTES ? { query: inlined } : { query: sql, query_params: params };
  };
  let version: Promise<string> | undefined;
  let admitted = 0;
  const admit = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (admittedContext.getStore()) return fn();
    if (queueMax > 0 && (waitingOutside >= queueMax || admitted >= slots.length + queueMax)) {
      throw new StoreOverloadedError(`the store is busy: ${admitted} requests in progress (READ_QUEUE_MAX ${queueMax} waiting beyond ${slots.length} connections)`);
    }
    admitted++;
    try {
      return await admittedContext.run({ memo: new Map() }, fn);
    } finally {
      admitted--;
    }
  };
  return {
    mode,
    write,
    insertJsonRows: async (table, rows, settings) => {
      await write.insert({ table, values: Readable.from([rows]), format: 'JSONEachRow', clickhouse_settings: settings as never });
    },
    cluster,
    crashed: false,
    reader: pick,
    readStats: () => ({ running, queued: waiting.length, admitted, max: queueMax }),
    admit,
    query: <T>(sql: string, params?: Record<string, unknown>, settings?: Record<string, unknown>) =>
      withReader(async (c) => {
        const rs = await c.query({ ...statement(sql, params), format: 'JSONEachRow', clickhouse_settings: settings as never });
        return (await rs.json()) as T[];
      }),
    command: (sql, params, settings) =>
      withReader(async (c) => {
        await c.command({ ...statement(sql, params), clickhouse_settings: settings as never });
      }),
    // Asked once (it does not change while the process runs), so /health need not reach the store.
    version: () =>
      (version ??= write.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' }).then(
        async (rs) => ((await rs.json()) as Array<{ v: string }>)[0].v,
        (err) => {
          version = undefined;
          throw err;
        },
      )),
    close,
  };
}

/**
 * chDB allows one process per data directory. We keep our own lock file next to the
 * store so that a second process can say which process holds it instead of failing
 * inside the engine.
 *
 * A PID alone does not name a process: a restarted container gets the same PID again,
 * and on a host an old PID is reused by an unrelated process. So the lock also records
 * the process's start time and the boot id (Linux /proc), and a live PID whose start time
 * or boot differs from the lock's is a stale lock: its writer died without releasing it,
 * and `crashed` asks for crash recovery. Without /proc (macOS) the PID alone decides.
 */
export function takeLock(dataDir: string): { release: () => void; crashed: boolean } {
  const file = path.join(dataDir, 'server.lock');
  const holder = readLock(file);
  const self = processIdentity(process.pid);
  const held = holder ? holderState(holder, self) : 'dead';
  if (held === 'other') {
    const where = holder!.url ? ` (its server answers at ${holder!.url})` : '';
    throw new DataDirBusyError(
      `The data directory ${dataDir} is in use by process ${holder!.pid}${where}; ` +
        `stop that process, point DATA_DIR elsewhere, or send your work through its HTTP API ` +
        `(npm run import -- FILE --url ..., npm run key -- create --url ...).`,
    );
  }
  // A lock left by a process that is gone: it did not stop cleanly.
  const crashed = !!holder && held === 'dead';
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, ...self, started: new Date().toISOString() }));
  const release = () => {
    const now = readLock(file);
    if (now && holderState(now, self) === 'self') fs.rmSync(file, { force: true });
  };
  return { release, crashed };
}

export interface LockHolder {
  pid: number;
  /** starttime of /proc/<pid>/stat (field 22): clock ticks after boot. */
  start?: string;
  /** /proc/sys/kernel/random/boot_id of the boot the lock was taken in. */
  boot?: string;
  url?: string;
}

/** This process (same PID and start), another live process, or nobody (a stale lock). */
function holderState(h: LockHolder, self: { start?: string; boot?: string }): 'self' | 'other' | 'dead' {
  // Another boot: every process of the lock's boot is gone.
  if (h.boot && self.boot && h.boot !== self.boot) return 'dead';
  if (h.pid === process.pid) {
    // Without /proc the PID alone decides; with it, this process wrote its start time, so
    // a lock of this PID without it or with another one is from an earlier process, now gone.
    if (self.start === undefined) return 'self';
    return h.start === self.start ? 'self' : 'dead';
  }
  if (!pidAlive(h.pid)) return 'dead';
  if (h.start === undefined) return 'other';
  const now = processIdentity(h.pid).start;
  // Unreadable (another user's process under hidepid): cannot tell, so it holds the lock.
  if (now === undefined) return 'other';
  return now === h.start ? 'other' : 'dead';
}

export function readLock(file: string): LockHolder | undefined {
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

