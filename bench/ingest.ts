/**
 * `npm run bench -- ingest [--events N]`: streams N generated events (default 1M) through
 * HTTP into a fresh server process, then measures, on the same file, the engine's own
 * rate (INSERT INTO events SELECT ... FROM file(..., JSONEachRow)) into a fresh store with
 * the same tables and views. Prints events/s, the ratio, and the server's peak RSS. Then
 * the same file is sent again to the same server, as a client resending a whole import
 * after a lost answer: every line a duplicate, answered at the rate given as resend.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { importStream, openInput } from '../tools/importer.ts';
import { openDb } from '../sql/db.ts';
import { migrate } from '../sql/migrate.ts';
import { BENCH_ADMIN_KEY, BENCH_DIR, fleetFile, startServerProcess } from './util.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, parallel: { type: 'string', default: '2' } } });
const events = Number(values.events);
const file = await fleetFile(events);
const bytes = fs.statSync(file).size;

// 1. Through HTTP, as a client would: the importer, 50k lines a request.
const httpDir = path.join(BENCH_DIR, `ingest-http-${process.pid}`);
fs.rmSync(httpDir, { recursive: true, force: true });
const server = await startServerProcess({ dataDir: httpDir, port: 18_090 });
const c0 = process.cpuUsage();
const s0 = server.cpuSeconds();
const t = await importStream(openInput(file), { url: server.url, key: BENCH_ADMIN_KEY, parallel: Number(values.parallel) });
const importerCpu = process.cpuUsage(c0);
const serverCpu = server.cpuSeconds() - s0;
const peakRss = server.peakRss();
const again = await importStream(openInput(file), { url: server.url, key: BENCH_ADMIN_KEY, parallel: Number(values.parallel) });
await server.stop();
const httpRate = t.accepted / t.seconds;

// 2. The engine alone on the same file, into the same schema (views included).
const engineDir = path.join(BENCH_DIR, `ingest-engine-${process.pid}`);
fs.rmSync(engineDir, { recursive: true, force: true });
const db = await openDb(loadConfig({ DATA_DIR: engineDir }), { readers: 1 });
await migrate(db);
const e0 = performance.now();
await db.command(
  `INSERT INTO events (account_id, id, type, occurred_at, room_id, channel, contact_id, origin, direction, sender, agent_id, template, campaign_id, score, comment, amount, reference, reason, mcc_free_monthly, muv_free_monthly, price_mcc_service, price_mcc_initiated, price_muv, mcc_rollover, timezone) SELECT * FROM file({file:String}, JSONEachRow, 'account_id String, id String, type String, occurred_at DateTime64(3, \\'UTC\\'), room_id String, channel String, contact_id String, origin String, direction String, sender String, agent_id String, template Bool, campaign_id String, score UInt8, comment String, amount Int64, reference String, reason String, mcc_free_monthly UInt32, muv_free_monthly UInt32, price_mcc_service UInt32, price_mcc_initiated UInt32, price_muv UInt32, mcc_rollover Bool, timezone String')`,
  { file },
  { date_time_input_format: 'best_effort', input_format_skip_unknown_fields: 1 },
);
const engineSeconds = (performance.now() - e0) / 1000;
const stored = Number((await db.query<{ n: string }>('SELECT count() AS n FROM events'))[0].n);
await db.close();
const engineRate = stored / engineSeconds;
fs.rmSync(httpDir, { recursive: true, force: true });
fs.rmSync(engineDir, { recursive: true, force: true });

const result = {
  date: new Date().toISOString(),
  events,
  file_mb: +(bytes / 1e6).toFixed(1),
  http: { accepted: t.accepted, rejected: t.rejected, seconds: +t.seconds.toFixed(2), events_per_s: Math.round(httpRate), peak_rss_mb: Math.round(peakRss / 1e6), server_cpu_us_per_event: +((serverCpu * 1e6) / t.accepted).toFixed(1), importer_cpu_us_per_event: +((importerCpu.user + importerCpu.system) / t.accepted).toFixed(1) },
  resend: { duplicates: again.duplicates, accepted: again.accepted, seconds: +again.seconds.toFixed(2), events_per_s: Math.round(again.duplicates / again.seconds) },
  engine: { stored, seconds: +engineSeconds.toFixed(2), events_per_s: Math.round(engineRate) },
  ratio_http_to_engine: +(httpRate / engineRate).toFixed(2),
};
console.log(JSON.stringify(result, null, 2));
fs.writeFileSync(path.join(BENCH_DIR, 'ingest-result.json'), JSON.stringify(result, null, 2));
