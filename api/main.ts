import path from 'node:path';
import { loadConfig } from '../core/config.ts';
import { announceServerUrl, openDbOrExit } from '../sql/db.ts';
import { migrate } from '../sql/migrate.ts';
import { replayRecentBatches } from '../sql/replay.ts';
import { buildApp } from './app.ts';
import { ensureAdminKey } from './bootstrap.ts';
import { storeIsEmpty } from '../sql/account.ts';
import { loadDemo } from './demo-loader.ts';
import { ensureDashboardBuilt } from './dashboard-build.ts';

/** `npm start`: migrate, make the admin key, load the demo on a fresh embedded store, serve. */
async function main(): Promise<void> {
  const cfg = loadConfig();
  // Before the store is opened: a failed build should not leave a half-started server holding DATA_DIR.
  await ensureDashboardBuilt();
  const db = await openDbOrExit(cfg);
  await migrate(db, { database: cfg.clickhouse.database });
  // After a crash (embedded: a lock left by a dead process; a server: every start, as its
  // other clients may have crashed), re-feed the last insert batches through the views.
  if (db.crashed || (db.mode === 'server' && !db.cluster)) {
    const r = await replayRecentBatches(db);
    if (r.events) console.log(`Recovered from an unclean stop: replayed the last ${r.events} events through ${r.views.length} views.`);
  }
  const newAdminKey = await ensureAdminKey(cfg, db);
  const fresh = await storeIsEmpty(db);
  const app = await buildApp({ config: cfg, db, logger: { level: cfg.logLevel } });
  let demo: Awaited<ReturnType<typeof loadDemo>> | null = null;
  if (fresh && cfg.demo && db.mode === 'embedded') demo = await loadDemo(app);

  const url = await app.listen({ port: cfg.port, host: cfg.host });
  if (db.mode === 'embedded') announceServerUrl(cfg.dataDir, url);
  // Export schedules run here unless SCHEDULER=0 (then another instance runs them); app.close() stops them.
  if (cfg.scheduler) await app.ctx.scheduler.start({ baseUrl: url });
  const lines = [
    '',
    `  Chat analytics is running at ${url}`,
    `  Dashboard: ${url}/ (sign in with one of the keys below)`,
    `  API docs: ${url}/docs   health: ${url}/health`,
    `  Store: ${db.mode === 'embedded' ? `embedded ClickHouse (chDB) in ${path.join(cfg.dataDir, 'clickhouse')}` : cfg.clickhouse.url}`,
  ];
  if (newAdminKey) lines.push(`  Admin key (shown once, also in ${path.join(cfg.dataDir, 'admin.key')}): ${newAdminKey}`);
  else if (!cfg.adminApiKey) lines.push(`  Admin key: in ${path.join(cfg.dataDir, 'admin.key')}`);
  if (demo) {
    lines.push(`  Demo: account "demo-co" loaded with ${demo.accepted} events (${demo.days} days); its key: ${demo.key}`);
    lines.push(`  Try: curl -H "Authorization: Bearer ${demo.key}" ${url}/api/v1/accounts/demo-co/billing/balance`);
  }
  console.log(lines.join('\n') + '\n');

  // SIGTERM / SIGINT: stop accepting, let in-flight requests (and their inserts) finish, close the store.
  let closing = false;
  const stop = async (sig: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ sig }, 'shutting down');
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
