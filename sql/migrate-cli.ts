import { loadConfig } from '../core/config.ts';
import { openDbOrExit } from './db.ts';
import { loadMigrations, planMigrations } from './migrate.ts';
import { migrate } from './migrate.ts';

/** `npm run migrate [-- --dry]`: applies pending migrations; --dry prints every statement instead. */
const cfg = loadConfig();
const dry = process.argv.includes('--dry');
if (dry) {
  // --dry needs no store: it prints the DDL of every migration (ON CLUSTER form when CLICKHOUSE_CLUSTER is set).
  const cluster = cfg.clickhouse.cluster ? { cluster: cfg.clickhouse.cluster, database: cfg.clickhouse.database } : undefined;
  for (const { migration, statements } of planMigrations(loadMigrations(), cluster)) {
    console.log(`-- ${migration.name}`);
    for (const s of statements) console.log(`${s};\n`);
  }
} else {
  const db = await openDbOrExit(cfg, { readers: 1 });
  const r = await migrate(db, { database: cfg.clickhouse.database, log: console.log });
  console.log(r.applied.length ? `applied: ${r.applied.join(', ')}` : `nothing to apply (${r.skipped} already applied)`);
  await db.close();
}
