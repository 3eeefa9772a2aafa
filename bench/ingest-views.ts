/**
 * `npm run bench -- ingest-views [--events N] [--rows N]`: each materialized view's share of
 * the insert time. The first `rows` events (default 300k) of the fleet file are inserted as
 * the ingestor inserts them (JSONEachRow bytes in 50k-row batches, db.insertJsonRows, the
 * same settings) into a fresh store with every view, then into a fresh store without each
 * view in turn, then without any view (each store in a process of its own); a view's
 * share is the time it saves, over the time with every view. The room_day_facts refresh that follows each batch (not a view: a
 * query) is timed in the first store. A benchmark reports; it never fails on timing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../core/config.ts';
import { openDb, type Db } from '../sql/db.ts';
import { migrate } from '../sql/migrate.ts';
import { refreshRooms, type RoomRef } from '../sql/metrics/room-facts-refresh.ts';
import { BENCH_DIR, fleetFile } from './util.ts';
import { epochMs } from '../ingest/validate.ts';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '1000000' }, rows: { type: 'string', default: '300000' }, child: { type: 'string' }, refresh: { type: 'boolean', default: false } },
});
const BATCH = 50_000;
/** The ingestor's insert settings (ingest/ingestor.ts). */
const SETTINGS = { input_format_skip_unknown_fields: 1, optimize_on_insert: 0, throw_on_max_partitions_per_insert_block: 0 };

const file = await fleetFile(Number(values.events));
const rows = Number(values.rows);
const lines: string[] = [];
for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
  if (!l) continue;
  lines.push(l);
  if (lines.length >= rows) break;
}
const batches: Buffer[] = [];
const rooms: RoomRef[][] = [];
for (let i = 0; i < lines.length; i += BATCH) {
  const part = lines.slice(i, i + BATCH);
  const events = part.map((l) => JSON.parse(l) as { account_id: string; room_id?: string; occurred_at: string | number });
  // As the ingestor sends them: occurred_at as ms since 1970.
  for (const e of events) e.occurred_at = epochMs(e.occurred_at as string);
  batches.push(Buffer.from(events.map((e) => JSON.stringify(e)).join('\n')));
  rooms.push(events.map((e) => ({ account: e.account_id, room: e.room_id ?? '' })));
}

/** A fresh migrated store without the views in `drop`; the time of inserting every batch (ms), and of the refreshes when asked. */
async function run(drop: string[], refresh = false): Promise<{ insertMs: number; refreshMs: number; views: string[] }> {
  const dir = path.join(BENCH_DIR, `views-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const db: Db = await openDb(loadConfig({ DATA_DIR: dir }), { readers: 1 });
  try {
    await migrate(db);
    const views = (await db.query<{ name: string }>("SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name")).map((r) => r.name);
    // Names from the store's own catalogue, checked against it: never request text.
    for (const v of drop) if (views.includes(v)) await db.command(`DROP VIEW ${v}`);
    let insertMs = 0;
    let refreshMs = 0;
    for (let i = 0; i < batches.length; i++) {
      const t = performance.now();
      await db.insertJsonRows('events', batches[i], SETTINGS);
      insertMs += performance.now() - t;
      if (refresh) {
        const r = performance.now();
        await refreshRooms(db, rooms[i]);
        refreshMs += performance.now() - r;
      }
    }
    return { insertMs, refreshMs, views };
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// One store per process: chDB binds one data directory per process, and a second store
// opened in the same process was measured slower run after run.
if (values.child !== undefined) {
  const r = await run(values.child ? values.child.split(',') : [], values.refresh);
  console.log(JSON.stringify(r));
  process.exit(0);
}
const me = fileURLToPath(import.meta.url);
const child = (drop: string[], refresh = false): { insertMs: number; refreshMs: number; views: string[] } => {
  const args = ['--import', 'tsx', me, '--events', values.events, '--rows', values.rows, `--child=${drop.join(',')}`, ...(refresh ? ['--refresh'] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!);
};
const all = child([], true);
console.error(`every view: ${all.insertMs.toFixed(0)} ms for ${lines.length} rows (${Math.round((lines.length / all.insertMs) * 1000)} rows/s); refresh after each batch ${all.refreshMs.toFixed(0)} ms`);
const perView: Record<string, { insert_ms_without: number; share: number }> = {};
for (const v of all.views) {
  const r = child([v]);
  perView[v] = { insert_ms_without: Math.round(r.insertMs), share: +((all.insertMs - r.insertMs) / all.insertMs).toFixed(3) };
  console.error(`without ${v.padEnd(32)} ${r.insertMs.toFixed(0).padStart(6)} ms   share ${(100 * perView[v].share).toFixed(1)}%`);
}
const none = child(all.views);
console.error(`no view: ${none.insertMs.toFixed(0)} ms (${Math.round((lines.length / none.insertMs) * 1000)} rows/s)`);

const result = {
  date: new Date().toISOString(),
  rows: lines.length,
  batch_rows: BATCH,
  every_view: { insert_ms: Math.round(all.insertMs), rows_per_s: Math.round((lines.length / all.insertMs) * 1000), refresh_ms: Math.round(all.refreshMs) },
  no_view: { insert_ms: Math.round(none.insertMs), rows_per_s: Math.round((lines.length / none.insertMs) * 1000) },
  views_share: +((all.insertMs - none.insertMs) / all.insertMs).toFixed(3),
  per_view: perView,
};
console.log(JSON.stringify(result, null, 2));
fs.writeFileSync(path.join(BENCH_DIR, 'ingest-views-result.json'), JSON.stringify(result, null, 2));
