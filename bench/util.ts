import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Generated files and stores of the benchmarks (git-ignored). */
export const BENCH_DIR = path.join(ROOT, '.bench');
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Peak resident set size of the server, bytes (from /proc, sampled every 100 ms). */
  peakRss(): number;
  /** CPU seconds the server has used so far, user + system over all its threads (engine included), from /proc. */
  cpuSeconds(): number;
}

/** Starts `npm start` as its own process (the way users run it) and waits for /health. */
export async function startServerProcess(opts: { dataDir: string; port: number; env?: Record<string, string> }): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: opts.dataDir, PORT: String(opts.port), HOST: '127.0.0.1', ADMIN_API_KEY: BENCH_ADMIN_KEY, DEMO: '0', LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.resume();
  const url = `http://127.0.0.1:${opts.port}`;
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      /* process gone */
    }
  }, 100);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 1200) throw new Error('server did not start in 120 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    peakRss: () => peak,
    cpuSeconds: () => {
      // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks of 1/100 s; the name (field 2) may hold spaces.
      const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    },
    async stop(signal = 'SIGTERM') {
      clearInterval(sampler);
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Writes `events` (objects) as NDJSON to a file (gzip when it ends with .gz). */
export async function writeNdjson(file: string, events: Iterable<Record<string, unknown>>): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  async function* chunks() {
    let buf: string[] = [];
    for (const e of events) {
      buf.push(JSON.stringify(e));
      if (buf.length >= 5000) {
        yield buf.join('\n') + '\n';
        buf = [];
      }
    }
    if (buf.length) yield buf.join('\n') + '\n';
  }
  const tmp = `${file}.tmp`;
  if (file.endsWith('.gz')) await pipeline(Readable.from(chunks()), zlib.createGzip({ level: 1 }), fs.createWriteStream(tmp));
  else await pipeline(Readable.from(chunks()), fs.createWriteStream(tmp));
  fs.renameSync(tmp, file);
}

/** The 10M-event fleet file of the query and billing benchmarks: 20 accounts, the biggest a fifth. Made once, then reused. */
export async function fleetFile(events = 10_000_000, accounts = 20): Promise<string> {
  const file = path.join(BENCH_DIR, `fleet-${events}-${accounts}.ndjson`);
  if (!fs.existsSync(file)) {
    const { generateFleet } = await import('../tools/demo.ts');
    const t = performance.now();
    await writeNdjson(file, generateFleet({ seed: 1, accounts, totalEvents: events, from: new Date('2026-01-01T00:00:00+07:00'), to: new Date('2026-12-01T00:00:00+07:00') }));
    console.error(`generated ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  return file;
}

/** POSTs an NDJSON file to a server in slices of `linesPerRequest`, `parallel` requests at once. */
export async function postFile(url: string, key: string, file: string, opts: { linesPerRequest?: number; parallel?: number } = {}): Promise<{ accepted: number; duplicates: number; rejected: number; seconds: number }> {
  const per = opts.linesPerRequest ?? 100_000;
  const parallel = opts.parallel ?? 2;
  const totals = { accepted: 0, duplicates: 0, rejected: 0, seconds: 0 };
  const t0 = performance.now();
  const inflight = new Set<Promise<void>>();
  const send = async (body: Uint8Array) => {
    const r = await fetch(`${url}/api/v1/events`, { method: "POST", headers: { "content-type": "application/x-ndjson", authorization: `Bearer ${key}` }, body: body as unknown as BodyInit });
    if (!r.ok) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
    const j = (await r.json()) as typeof totals;
    totals.accepted += j.accepted;
    totals.duplicates += j.duplicates;
    totals.rejected += j.rejected;
  };
  let lines: string[] = [];
  let rest = '';
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const p of parts) {
      if (p) lines.push(p);
      if (lines.length >= per) {
        const p2 = send(Buffer.from(lines.join('\n') + '\n')).finally(() => inflight.delete(p2));
        inflight.add(p2);
        lines = [];
        if (inflight.size >= parallel) await Promise.race(inflight);
      }
    }
  }
  if (rest) lines.push(rest);
  if (lines.length) await send(Buffer.from(lines.join('\n') + '\n'));
  await Promise.all(inflight);
  totals.seconds = (performance.now() - t0) / 1000;
  return totals;
}

/**
 * A running server on the 10M-event store, loaded once through HTTP and then reused
 * (.bench/store-<events>). Used by the query and billing benchmarks.
 */
export async function benchServer(events = 10_000_000, port = 18_080, env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = path.join(BENCH_DIR, `store-${events}`);
  const loaded = path.join(dataDir, 'loaded.ok');
  const file = await fleetFile(events);
  const server = await startServerProcess({ dataDir, port, env });
  if (!fs.existsSync(loaded)) {
    const r = await postFile(server.url, BENCH_ADMIN_KEY, file);
    console.error(`loaded ${r.accepted} events in ${r.seconds.toFixed(1)} s (${Math.round(r.accepted / r.seconds)} events/s)`);
    fs.writeFileSync(loaded, JSON.stringify(r));
  }
  return server;
}

/** Median and 95th percentile of `runs` sequential calls, ms. */
export async function latency(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; min: number; max: number }> {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  const q = (p: number) => t[Math.min(t.length - 1, Math.ceil(p * t.length) - 1)];
  return { p50: q(0.5), p95: q(0.95), min: t[0], max: t[t.length - 1] };
}

export function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/**
 * `events` of generator accounts (generateFleet's acct-NN) with the account renamed: `rename`
 * maps an account id to the new one, applied to account_id and to the id's account prefix
 * (the generator's ids are `<account>-<n>`), so ids stay unique per account.
 */
export function* renameAccounts(events: Iterable<Record<string, unknown>>, rename: (account: string) => string): Generator<Record<string, unknown>> {
  for (const e of events) {
    const from = e.account_id as string;
    const to = rename(from);
    const id = e.id as string;
    yield { ...e, id: id.startsWith(`${from}-`) ? `${to}${id.slice(from.length)}` : `${to}-${id}`, account_id: to };
  }
}
