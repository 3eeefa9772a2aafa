import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';
import { refreshAllRooms } from './metrics/room-facts-refresh.ts';

/** Numbered .sql files under sql/migrations, applied in order, each recorded once. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => {
      const sql = fs.readFileSync(path.join(dir, f), 'utf8');
      return { version: Number(f.split('_')[0]), name: f, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex').slice(0, 16) };
    })
    .sort((a, b) => a.version - b.version);
}

/** Splits a migration into statements at each `;` outside strings and `--` comments. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl;
    } else if (c === ';') {
      out.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  out.push(sql.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.replace(/--.*$/gm, '').trim().length > 0);
}

export interface ClusterOptions {
  cluster: string;
  database: string;
}

const CREATE_TABLE = /CREATE TABLE IF NOT EXISTS (\w+)/;
const CREATE_MV = /CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+)/;
const ENGINE = /ENGINE\s*=\s*(\w*MergeTree)(?:\(([^)]*)\))?/;

/**
 * Rewrites the single-node DDL of a migration for a cluster:
 * - every MergeTree table becomes a Replicated* table `<name>_local` ON CLUSTER, plus a
 *   Distributed table `<name>` sharded by cityHash64(account_id), so one account's rows
 *   live on one shard and per-account aggregates (state tables, billing) stay exact;
 * - a table marked `-- cluster: replicated` (small metadata: keys, settings) is
 *   replicated to every node instead of sharded;
 * - materialized views are created ON CLUSTER and read and write the local tables.
 * `sharded` collects the names of sharded tables across migrations (views refer to
 * tables of earlier files).
 */
export function toClusterDdl(statements: string[], opts: ClusterOptions, sharded: Set<string> = new Set()): string[] {
  const c = quoteIdent(opts.cluster);
  const out: string[] = [];
  for (const stmt of statements) {
    const table = stmt.match(CREATE_TABLE)?.[1];
    const engine = stmt.match(ENGINE);
    if (table && engine) {
      const args = engine[2] ? `, ${engine[2]}` : '';
      if (/--\s*cluster:\s*replicated/.test(stmt)) {
        out.push(
          stmt
            .replace(CREATE_TABLE, `CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER ${c}`)
            .replace(ENGINE, `ENGINE = Replicated${engine[1]}('/clickhouse/tables/all/{database}/${table}', '{shard}_{replica}'${args})`),
        );
        continue;
      }
      sharded.add(table);
      const local = `${table}_local`;
      out.push(
        stmt
          .replace(CREATE_TABLE, `CREATE TABLE IF NOT EXISTS ${local} ON CLUSTER ${c}`)
          .replace(ENGINE, `ENGINE = Replicated${engine[1]}('/clickhouse/tables/{shard}/{database}/${local}', '{replica}'${args})`),
      );
      out.push(
        `CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER ${c} AS ${local}\n` +
          `ENGINE = Distributed(${c}, ${quoteIdent(opts.database)}, ${local}, cityHash64(account_id))`,
      );
      continue;
    }
    const mv = stmt.match(CREATE_MV)?.[1];
    if (mv) {
      let s = stmt.replace(CREATE_MV, `CREATE MATERIALIZED VIEW IF NOT EXISTS ${mv} ON CLUSTER ${c}`);
      for (const t of sharded) s = s.replace(new RegExp(`\\b(TO|FROM|JOIN)\\s+${t}\\b`, 'g'), `$1 ${t}_local`);
      out.push(s);
      continue;
    }
    const drop = stmt.match(/^((?:--.*\n)*)\s*DROP VIEW IF EXISTS (\w+)/);
    if (drop) {
      out.push(stmt.replace(/DROP VIEW IF EXISTS \w+/, `DROP VIEW IF EXISTS ${drop[2]} ON CLUSTER ${c}`));
      continue;
    }
    const alter = stmt.match(/^((?:--.*\n)*)\s*ALTER TABLE (\w+)/);
    if (alter) {
      const t = alter[2];
      const target = sharded.has(t) ? `${t}_local` : t;
      out.push(stmt.replace(/ALTER TABLE \w+/, `ALTER TABLE ${target} ON CLUSTER ${c}`));
      continue;
    }
    out.push(stmt);
  }
  return out;
}

function quoteIdent(s: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`CLICKHOUSE_CLUSTER / CLICKHOUSE_DATABASE must be a plain identifier, got "${s}"`);
  return s;
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations
(
    version    UInt32,
    name       String,
    checksum   String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY version`;

/** The statements a run would execute, in order, for --dry and for the cluster unit test. */
export function planMigrations(pending: Migration[], cluster?: ClusterOptions, sharded = new Set<string>()): Array<{ migration: Migration; statements: string[] }> {
  return pending.map((m) => {
    const stmts = splitStatements(m.sql);
    return { migration: m, statements: cluster ? toClusterDdl(stmts, cluster, sharded) : stmts };
  });
}

export interface MigrateResult {
  applied: string[];
  skipped: number;
}

/**
 * Steps that run in code right after a migration's statements, when the query they need
 * lives with the code that also runs it later (one copy of the SQL).
 */
const AFTER: Record<number, { what: string; run: (db: Db) => Promise<void> }> = {
  // 033's backfill of room_day_facts is 034's: the refresh query reads room_windows (034),
  // and a store still before 033 gets every room refreshed once, after 034.
  34: { what: 'refresh every room of room_day_facts with its window closes (sql/metrics/room-facts-refresh.sql)', run: refreshAllRooms },
};

/** Applies every migration not yet recorded; a rerun is a no-op. */
export async function migrate(db: Db, opts: { database?: string; dry?: boolean; log?: (s: string) => void } = {}): Promise<MigrateResult> {
  const log = opts.log ?? (() => undefined);
  const cluster = db.cluster ? { cluster: db.cluster, database: opts.database ?? 'default' } : undefined;
  const all = loadMigrations();
  // The ledger is small metadata: replicated to every node on a cluster, never sharded.
  if (!opts.dry) await db.command(cluster ? toClusterDdl(['-- cluster: replicated\n' + LEDGER], cluster)[0] : LEDGER);
  const done = opts.dry
    ? new Set<number>()
    : new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  // Sharded table names come from every migration, applied or not, so views of a later
  // file are rewritten correctly.
  const sharded = new Set<string>();
  if (cluster) planMigrations(all, cluster, sharded);
  const pending = all.filter((m) => !done.has(m.version));
  const applied: string[] = [];
  for (const { migration, statements } of planMigrations(pending, cluster, sharded)) {
    for (const s of statements) {
      if (opts.dry) log(`${s};\n`);
      else await db.command(s);
    }
    const after = AFTER[migration.version];
    if (after) {
      if (opts.dry) log(`-- then, in code: ${after.what}\n`);
      else await after.run(db);
    }
    if (!opts.dry) {
      await db.command('INSERT INTO schema_migrations (version, name, checksum) VALUES ({v:UInt32}, {n:String}, {c:String})', {
        v: migration.version,
        n: migration.name,
        c: migration.checksum,
      });
    }
    applied.push(migration.name);
  }
  return { applied, skipped: all.length - pending.length };
}
