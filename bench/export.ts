/**
 * `npm run bench -- export [--rooms N] [--verify]`: the rooms export of one account with
 * N rooms (default 1M). Generates the rooms' events once (.bench/export-rooms-N.ndjson),
 * loads them through HTTP into a server process once (.bench/store-export-N), then starts
 * a fresh server on that store and times GET .../exports/rooms.xlsx over HTTP, streaming
 * the file to disk (then rooms.csv, in another fresh server). Prints the time, the
 * server's RSS just before the export and its peak (sampled every 100 ms from its start,
 * so start-up is in it too, reported apart; the loading is not).
 * --verify reads the workbook back with exceljs's streaming reader and counts its rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { BENCH_ADMIN_KEY, BENCH_DIR, postFile, startServerProcess, writeNdjson } from './util.ts';

const { values } = parseArgs({ options: { rooms: { type: 'string', default: '1000000' }, verify: { type: 'boolean', default: false } } });
const ROOMS = Number(values.rooms);
const ACCOUNT = 'bench-rooms';
const FROM = Date.parse('2026-01-01T00:00:00+07:00');
const TO = Date.parse('2026-11-01T00:00:00+07:00');

/** A small seeded PRNG (mulberry32): the same rooms on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHANNELS: Array<[string, number]> = [['whatsapp', 0.6], ['instagram', 0.15], ['webchat', 0.1], ['facebook', 0.05], ['email', 0.05], ['telegram', 0.03], ['line', 0.02]];
const COMMENTS = ['Cepat, terima kasih!', 'Agak lama menunggu', 'ok', 'Pelayanan ramah, masalah selesai', 'Tolong lebih cepat lagi ya'];

/** N rooms spread evenly over [FROM, TO): an inbound (or broadcast) start, and most of them assigned, answered, resolved, some rated. ~4 events a room. */
function* roomEvents(n: number): Generator<Record<string, unknown>> {
  const r = rng(42);
  const iso = (ms: number) => new Date(ms).toISOString();
  const step = (TO - FROM) / n;
  for (let i = 0; i < n; i++) {
    const room = `room-${String(i).padStart(7, '0')}`;
    const t = Math.floor(FROM + i * step + r() * step);
    let u = r();
    let channel = 'whatsapp';
    for (const [c, p] of CHANNELS) if ((u -= p) < 0) {
      channel = c;
      break;
    }
    const contact = channel === 'whatsapp' ? `62812${String(Math.floor(r() * 4e5)).padStart(7, '0')}` : `${channel.slice(0, 2)}_${Math.floor(r() * 1e5)}`;
    const base = { account_id: ACCOUNT, room_id: room };
    const broadcast = r() < 0.1;
    yield broadcast
      ? { ...base, id: `${room}-m0`, type: 'message', occurred_at: iso(t), channel, contact_id: contact, direction: 'outbound', sender: 'broadcast', template: true, campaign_id: 'promo' }
      : { ...base, id: `${room}-m0`, type: 'message', occurred_at: iso(t), channel, contact_id: contact, direction: 'inbound' };
    if (r() < 0.1) continue; // never assigned
    const agent = `agent-${Math.floor(r() * 25)}`;
    const assigned = t + 30_000 + Math.floor(r() * 270_000);
    yield { ...base, id: `${room}-as`, type: 'room.assigned', occurred_at: iso(assigned), agent_id: agent };
    if (r() < 0.95) {
      yield { ...base, id: `${room}-m1`, type: 'message', occurred_at: iso(assigned + 20_000 + Math.floor(r() * 580_000)), channel, contact_id: contact, direction: 'outbound', sender: 'agent', agent_id: agent };
    }
    if (r() < 0.12) continue; // still open
    const resolved = assigned + 600_000 + Math.floor(r() * 3 * 3_600_000);
    yield { ...base, id: `${room}-rs`, type: 'room.resolved', occurred_at: iso(resolved), agent_id: agent };
    if (r() < 0.25) {
      const score = 1 + Math.floor(r() * 5);
      yield { ...base, id: `${room}-cs`, type: 'csat.submitted', occurred_at: iso(resolved + 60_000), score, ...(r() < 0.3 ? { comment: COMMENTS[score % COMMENTS.length] } : {}) };
    }
  }
}

const file = path.join(BENCH_DIR, `export-rooms-${ROOMS}.ndjson`);
if (!fs.existsSync(file)) {
  const t = performance.now();
  await writeNdjson(file, roomEvents(ROOMS));
  console.error(`generated ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const dataDir = path.join(BENCH_DIR, `store-export-${ROOMS}`);
const loaded = path.join(dataDir, 'loaded.ok');
const env = { SCHEDULER: '0', RATE_LIMIT_PER_MIN: '1000000' };
if (!fs.existsSync(loaded)) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const server = await startServerProcess({ dataDir, port: 18_095, env });
  const r = await postFile(server.url, BENCH_ADMIN_KEY, file, { linesPerRequest: 100_000, parallel: 2 });
  await server.stop();
  console.error(`loaded ${r.accepted} events in ${r.seconds.toFixed(1)} s`);
  fs.writeFileSync(loaded, JSON.stringify(r));
}

/** GET a URL into a file; seconds, bytes. */
async function download(url: string, out: string): Promise<{ seconds: number; bytes: number; status: number }> {
  const t = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  await pipeline(Readable.fromWeb(res.body as never), fs.createWriteStream(out));
  return { seconds: (performance.now() - t) / 1000, bytes: fs.statSync(out).size, status: res.status };
}

/** RSS of a process now, bytes (VmRSS). */
const rssNow = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** One export in a fresh server process: its time, and the server's RSS before it and at its peak (start-up included). */
async function measure(format: 'xlsx' | 'csv') {
  const server = await startServerProcess({ dataDir, port: 18_096, env });
  // let start-up work (loading the duplicate filter, merges the engine starts) settle
  await new Promise((r) => setTimeout(r, 5000));
  const before = rssNow(server.child.pid!);
  const startPeak = server.peakRss();
  const out = path.join(BENCH_DIR, `export-rooms-${ROOMS}.${format}`);
  const d = await download(`${server.url}/api/v1/accounts/${ACCOUNT}/exports/rooms.${format}?from=2026-01-01&to=2026-11-01&tz=Asia/Jakarta`, out);
  const peak = server.peakRss();
  await server.stop();
  return { ...d, out, before, startPeak, peak };
}

const xlsx = await measure('xlsx');
const xlsxFile = xlsx.out;
const csv = await measure('csv');
const csvFile = csv.out;

let rows: number | null = null;
if (values.verify) {
  rows = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(xlsxFile, { worksheets: 'emit', sharedStrings: 'ignore', styles: 'ignore', hyperlinks: 'ignore' });
  for await (const ws of reader) {
    if ((ws as unknown as { name: string }).name === 'About') continue;
    for await (const _ of ws) rows++;
  }
  rows -= 1; // the header row
}
const csvRows = (fs.readFileSync(csvFile, 'latin1').match(/\r\n/g)?.length ?? 1) - 1;

const mb = (b: number) => Math.round(b / 1024 / 1024);
const result = {
  date: new Date().toISOString(),
  rooms: ROOMS,
  xlsx: { seconds: +xlsx.seconds.toFixed(1), mb: mb(xlsx.bytes), rows_read_back: rows, server_rss_mb: { before: mb(xlsx.before), peak: mb(xlsx.peak), peak_of_start_up: mb(xlsx.startPeak) } },
  csv: { seconds: +csv.seconds.toFixed(1), mb: mb(csv.bytes), rows: csvRows, server_rss_mb: { before: mb(csv.before), peak: mb(csv.peak), peak_of_start_up: mb(csv.startPeak) } },
};
fs.writeFileSync(path.join(BENCH_DIR, 'export-result.json'), JSON.stringify(result, null, 2));
fs.rmSync(xlsxFile, { force: true });
fs.rmSync(csvFile, { force: true });
console.log(JSON.stringify(result, null, 2));
