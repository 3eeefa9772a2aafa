import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadMigrations, migrate, planMigrations, splitStatements, toClusterDdl } from '../sql/migrate.ts';
import { startServer, type TestServer } from './helpers.ts';

describe('cluster DDL (no cluster runs here: the text is checked)', () => {
  const opts = { cluster: 'prod', database: 'analytics' };
  const ddl = (sql: string) => toClusterDdl(splitStatements(sql), opts, new Set());

  test('a MergeTree table becomes a replicated local table plus a Distributed table sharded by account', () => {
    const out = ddl(`CREATE TABLE IF NOT EXISTS events (account_id String, id String)\nENGINE = ReplacingMergeTree(keep_rank)\nORDER BY (account_id, id);`);
    expect(out).toEqual([
      `CREATE TABLE IF NOT EXISTS events_local ON CLUSTER prod (account_id String, id String)\nENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/events_local', '{replica}', keep_rank)\nORDER BY (account_id, id)`,
      `CREATE TABLE IF NOT EXISTS events ON CLUSTER prod AS events_local\nENGINE = Distributed(prod, analytics, events_local, cityHash64(account_id))`,
    ]);
  });

  test('an engine without arguments gets only the replication arguments', () => {
    const [local] = ddl(`CREATE TABLE IF NOT EXISTS a (account_id String) ENGINE = AggregatingMergeTree ORDER BY account_id;`);
    expect(local).toContain(`ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/a_local', '{replica}') ORDER BY account_id`);
  });

  test('a table marked "cluster: replicated" is copied to every node, not sharded', () => {
    const out = ddl(`-- cluster: replicated\nCREATE TABLE IF NOT EXISTS api_keys (key_id String) ENGINE = ReplacingMergeTree(version) ORDER BY key_id;`);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('CREATE TABLE IF NOT EXISTS api_keys ON CLUSTER prod');
    expect(out[0]).toContain(`ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/api_keys', '{shard}_{replica}', version)`);
  });

  test('materialized views read and write the local tables, ON CLUSTER', () => {
    const out = ddl(
      `CREATE TABLE IF NOT EXISTS events (account_id String) ENGINE = MergeTree ORDER BY account_id;\n` +
        `CREATE TABLE IF NOT EXISTS accounts (account_id String) ENGINE = AggregatingMergeTree ORDER BY account_id;\n` +
        `CREATE MATERIALIZED VIEW IF NOT EXISTS accounts_mv TO accounts AS SELECT account_id FROM events GROUP BY account_id;`,
    );
    expect(out[4]).toBe('CREATE MATERIALIZED VIEW IF NOT EXISTS accounts_mv ON CLUSTER prod TO accounts_local AS SELECT account_id FROM events_local GROUP BY account_id');
  });

  test('every shipped migration converts: each MergeTree table is replicated, each view ON CLUSTER', () => {
    for (const { statements } of planMigrations(loadMigrations(), opts)) {
      for (const s of statements) {
        if (/ENGINE\s*=\s*\w*MergeTree/.test(s)) expect(s).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\//);
        if (/^CREATE (TABLE|MATERIALIZED VIEW)/m.test(s.replace(/^--.*\n/gm, ''))) expect(s).toContain('ON CLUSTER prod');
        if (/CREATE MATERIALIZED VIEW/.test(s)) expect(s.replace(/--.*$/gm, '')).not.toMatch(/\b(FROM|TO) (events|accounts|plans)\b(?!_local)/);
        if (/^(DROP VIEW|ALTER TABLE)/m.test(s.replace(/^--.*\n/gm, ''))) expect(s).toContain('ON CLUSTER prod');
      }
    }
  });

  test('the room facts of migration 033: sharded by account, the swapped view dropped ON CLUSTER, the state table altered on its local table', () => {
    const m = planMigrations(loadMigrations(), opts).find((p) => p.migration.version === 33)!;
    const text = m.statements.join(';\n');
    expect(text).toContain('ALTER TABLE room_state_local ON CLUSTER prod ADD COLUMN IF NOT EXISTS days');
    expect(text).toContain('DROP VIEW IF EXISTS room_state_mv ON CLUSTER prod');
    expect(text).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/room_day_facts_local', '{replica}', version)");
    expect(text).toContain('ENGINE = Distributed(prod, analytics, room_day_facts_local, cityHash64(account_id))');
  });

  test('a cluster name that is not a plain identifier is refused', () => {
    expect(() => toClusterDdl(['CREATE TABLE IF NOT EXISTS t (a String) ENGINE = MergeTree ORDER BY a'], { cluster: "x'; DROP", database: 'd' })).toThrow(/plain identifier/);
  });
});

describe('migrations on the embedded store', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => s?.close());

  test('are all recorded once, in order; a rerun applies nothing', async () => {
    const rows = await s.db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.name)).toEqual(loadMigrations().map((m) => m.name));
    const again = await migrate(s.db);
    expect(again).toEqual({ applied: [], skipped: loadMigrations().length });
    const after = await s.db.query('SELECT version FROM schema_migrations');
    expect(after).toHaveLength(rows.length);
  });
});
