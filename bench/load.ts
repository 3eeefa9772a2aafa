/**
 * `npm run bench -- load [--seconds 30] [--connections 50] [--events N] [--ingest N]`: autocannon
 * over a mix of reads while the importer ingests new events into the same server (the issue's
 * goal: 50 connections for 30 s over 240 distinct reads while 1M new events come in; at
 * least 150 requests/s, p99 <= 1 s, no errors or timeouts, ingestion at 50% or more of its
 * idle rate).
 *
 * The read mix: the 20 fleet accounts x summary, daily timeseries, agents, channels, billing
 * usage and balance x 2 windows (October and November 2026; the balance at the end of each),
 * 240 distinct URLs, handed out round robin to whichever connection sends next, so every
 * connection cycles through the whole mix. The distinct URLs requested and answered are counted.
 *
 * Ingestion: `--ingest` events (default 1M) of five other accounts, generated once into
 * .bench/load-ingest-<N>.ndjson; every run renames their accounts (and so their ids) with a
 * tag of its own, so the events are new to the store each time and really stored. The first
 * quarter (at least 100k) is imported before the load, with no reads, for the idle rate; the
 * rest starts with the load, and its rate over the load window (or until it is done, if
 * sooner) is compared with the idle rate. `--ingest 0` measures the reads alone.
 *
 * Before the load, each of the 240 reads is asked once in turn (the warm-up, timed and
 * reported); `--cold` skips it, so the load starts on a freshly started server.
 *
 * Uses the cached 10M-event store of the query benchmarks (`--events` picks a smaller one).
 * Prints JSON (also written to .bench/load-result.json) with the goals met or missed (the
 * requests/s goal counts 2xx answers only: a quick 503 is not a served read);
 * a benchmark reports, it never fails on timing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { importStream, type ImportTotals } from '../tools/importer.ts';
import { BENCH_ADMIN_KEY, BENCH_DIR, benchServer, writeNdjson } from './util.ts';
import { generateFleet } from '../tools/demo.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    connections: { type: 'string', default: '50' },
    events: { type: 'string', default: '10000000' },
    ingest: { type: 'string', default: '1000000' },
    cold: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const ingestEvents = Number(values.ingest);
const GOALS = { requests_per_s: 150, p99_ms: 1000, errors: 0, ingest_ratio: 0.5 };

// ---- The read mix ----
const ACCOUNTS = Array.from({ length: 20 }, (_, i) => `acct-${String(i + 1).padStart(2, '0')}`);
const WINDOWS = [
  { month: '2026-10', from: '2026-10-01', to: '2026-11-01' },
  { month: '2026-11', from: '2026-11-01', to: '2026-12-01' },
];
const paths: string[] = [];
for (const a of ACCOUNTS) {
  for (const w of WINDOWS) {
    const base = `/api/v1/accounts/${a}`;
    const win = `from=${w.from}&to=${w.to}`;
    paths.push(
      `${base}/metrics/summary?${win}`,
      `${base}/metrics/timeseries?metric=total_chats&interval=day&${win}`,
      `${base}/metrics/agents?${win}`,
      `${base}/metrics/channels?${win}`,
      `${base}/billing/usage?month=${w.month}`,
      // The balance at the window's end (00:00 Jakarta of the next month).
      `${base}/billing/balance?at=${encodeURIComponent(`${w.to}T00:00:00+07:00`)}`,
    );
  }
}
if (new Set(paths).size !== paths.length) throw new Error('the read mix has duplicate URLs');

// Rate limit off for the load (it would answer 429s by design); everything else as shipped.
const server = await benchServer(Number(values.events), 18_081, { RATE_LIMIT_PER_MIN: '100000000' });

// ---- The ingest file: generated once; accounts renamed per run ----
const file = path.join(BENCH_DIR, `load-ingest-${ingestEvents}.ndjson`);
if (ingestEvents > 0 && !fs.existsSync(file)) {
  const t = performance.now();
  await writeNdjson(file, generateFleet({ seed: 99, accounts: 5, totalEvents: ingestEvents, from: new Date('2027-01-01T00:00:00+07:00'), to: new Date('2027-03-01T00:00:00+07:00') }));
  console.error(`generated ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const tag = `ld${Date.now().toString(36)}`;

/** Bytes [start, end) of the ingest file, its accounts acct-NN (in id and account_id, the only fields naming them) renamed to <tag>-NN. */
function ingestSlice(start: number, end?: number): Readable {
  let rest = '';
  const rename = (s: string) => s.replaceAll('"acct-', `"${tag}-`);
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const s = rest + chunk.toString('utf8');
      const cut = s.lastIndexOf('\n') + 1;
      rest = s.slice(cut);
      cb(null, rename(s.slice(0, cut)));
    },
    flush(cb) {
      cb(null, rename(rest));
    },
  });
  return fs.createReadStream(file, { start, end: end === undefined ? undefined : end - 1, highWaterMark: 1 << 20 }).pipe(t);
}

/** Byte offset of the start of line `n` (0-based) of the file, and the file's line count. */
function lineOffset(n: number): { offset: number; lines: number } {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 22);
  let lines = 0;
  let offset = -1;
  let pos = 0;
  for (let got; (got = fs.readSync(fd, buf, 0, buf.length, pos)) > 0; pos += got) {
    for (let i = buf.indexOf(10); i !== -1 && i < got; i = buf.indexOf(10, i + 1)) {
      lines++;
      if (lines === n && offset < 0) offset = pos + i + 1;
    }
  }
  fs.closeSync(fd);
  return { offset: offset < 0 ? pos : offset, lines };
}

const importOpts = { url: server.url, key: BENCH_ADMIN_KEY };
let idle: { events: number; seconds: number; rate: number } | null = null;
let ingest: Promise<ImportTotals | undefined> = Promise.resolve(undefined);
let split = { offset: 0, lines: 0 };
const under = { accepted: 0, at: 0, done: false, error: null as string | null };
let t0 = 0;
if (ingestEvents > 0) {
  const total = lineOffset(0).lines;
  split = lineOffset(Math.min(total, Math.max(100_000, Math.round(total / 4))));
  // 1. Idle: the first quarter, nothing else running.
  const r = await importStream(ingestSlice(0, split.offset), importOpts);
  if (r.duplicates) console.error(`warning: ${r.duplicates} of the idle part were duplicates`);
  idle = { events: r.accepted, seconds: r.seconds, rate: r.accepted / r.seconds };
  console.error(`idle ingest: ${r.accepted} events in ${r.seconds.toFixed(1)} s (${Math.round(idle.rate)} events/s)`);
}

// Warm-up (unless --cold): each distinct read once, one after another, as the first users of
// a freshly started server would; the load then measures the steady state, where ingestion of
// other accounts leaves those answers current. --cold starts the load on a fresh server.
let warmup: { seconds: number; reads: number; slowest_ms: number } | null = null;
if (!values.cold) {
  const w0 = performance.now();
  let slowest = 0;
  for (const p of paths) {
    const t = performance.now();
    const r = await fetch(server.url + p, { headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } });
    if (!r.ok) throw new Error(`warm-up ${p}: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
    slowest = Math.max(slowest, performance.now() - t);
  }
  warmup = { seconds: +((performance.now() - w0) / 1000).toFixed(1), reads: paths.length, slowest_ms: Math.round(slowest) };
  console.error(`warm-up: ${paths.length} reads in ${warmup.seconds} s (slowest ${warmup.slowest_ms} ms)`);
}

// 2. Under load: the rest, started together with the reads.
let next = 0;
const requested = new Set<string>();
const answered = new Set<string>();
t0 = performance.now();
if (ingestEvents > 0 && split.offset < fs.statSync(file).size) {
  ingest = importStream(ingestSlice(split.offset), {
    ...importOpts,
    onProgress: (p) => {
      const at = (performance.now() - t0) / 1000;
      if (at <= seconds) {
        under.accepted = p.accepted;
        under.at = at;
      }
    },
  }).then(
    (r) => {
      under.done = (performance.now() - t0) / 1000 <= seconds;
      return r;
    },
    (e: Error) => {
      under.error = e.message;
      return undefined;
    },
  );
}
const result = await autocannon({
  url: server.url,
  connections,
  duration: seconds,
  headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` },
  requests: [
    {
      method: 'GET',
      setupRequest: (req, context: object) => {
        const p = paths[next++ % paths.length];
        requested.add(p);
        (context as { path?: string }).path = p;
        return { ...req, path: p };
      },
      onResponse: (status, _body, context: object) => {
        const p = (context as { path?: string }).path;
        if (p && status >= 200 && status < 300) answered.add(p);
      },
    },
  ],
});
const underRate = under.at > 0 ? under.accepted / under.at : 0;
// The import may still run; the numbers above are those of the load window. Stopping the
// server ends it (its retries give up when the process exits).
void ingest;
await server.stop();

const errors = result.errors + result.timeouts + result.non2xx;
// Answered with 2xx, per second: a fast 503 `overloaded` is not a served read.
const okPerS = Object.entries(result.statusCodeStats ?? {}).reduce((a, [code, s]) => a + (code.startsWith('2') ? (s?.count ?? 0) : 0), 0) / seconds;
const ratio = idle ? underRate / idle.rate : null;
const out = {
  date: new Date().toISOString(),
  connections,
  seconds,
  store_events: Number(values.events),
  warmup,
  requests_per_s: Math.round(result.requests.average),
  requests_total: result.requests.total,
  ok_requests_per_s: Math.round(okPerS),
  latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  errors,
  error_detail: { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
  status: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  distinct_urls: paths.length,
  distinct_urls_requested: requested.size,
  distinct_urls_answered_2xx: answered.size,
  ingest_events: ingestEvents,
  ingest_idle_events: idle?.events ?? 0,
  ingest_idle_events_per_s: idle ? Math.round(idle.rate) : null,
  ingest_under_load_events: under.accepted,
  ingest_under_load_seconds: +under.at.toFixed(1),
  ingest_under_load_finished_in_window: under.done,
  ingest_under_load_error: under.error,
  ingest_under_load_events_per_s: idle ? Math.round(underRate) : null,
  ingest_ratio: ratio === null ? null : +ratio.toFixed(2),
  goals: {
    ok_requests_per_s_at_least_150: okPerS >= GOALS.requests_per_s,
    p99_at_most_1000ms: result.latency.p99 <= GOALS.p99_ms,
    no_errors_or_timeouts: errors === GOALS.errors,
    all_distinct_urls_hit: answered.size === paths.length && paths.length >= 200,
    ingest_ratio_at_least_0_5: ratio === null ? null : ratio >= GOALS.ingest_ratio,
  },
};
console.log(JSON.stringify(out, null, 2));
fs.writeFileSync(path.join(BENCH_DIR, 'load-result.json'), JSON.stringify(out, null, 2));
process.exit(0);
