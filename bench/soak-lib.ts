import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { importStream, openInput } from '../tools/importer.ts';
import { BENCH_ADMIN_KEY, startServerProcess, type ServerProcess } from './util.ts';

/**
 * Crash-safety check: import a file while the server is killed with SIGKILL at random
 * moments and restarted; then the stored events must equal the source exactly (count and
 * a per-account checksum of ids), and every summary and billing number must equal that of
 * a clean import of the same file into a fresh store.
 */
export interface SoakOptions {
  file: string;
  workDir: string;
  kills: number;
  port: number;
  /** Kill moments are drawn uniformly from [minGapMs, maxGapMs] after each (re)start. */
  minGapMs?: number;
  maxGapMs?: number;
  seed?: number;
  log?: (s: string) => void;
}

export interface SoakResult {
  kills: number;
  source: { events: number; accounts: number };
  stored: { events: number; distinct: number };
  checksumMismatches: string[];
  numberMismatches: string[];
  importSeconds: number;
}

type Sums = Map<string, { n: number; crc: bigint }>;

/** Per account: the number of distinct ids and the sum of CRC32(id) over them. */
export async function sourceChecksums(file: string): Promise<Sums> {
  const seen = new Set<string>();
  const sums: Sums = new Map();
  for await (const line of readline.createInterface({ input: openInput(file), crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { account_id: string; id: string };
    const k = `${e.account_id}\u0000${e.id}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const s = sums.get(e.account_id) ?? { n: 0, crc: 0n };
    s.n++;
    s.crc += BigInt(zlib.crc32(e.id));
    sums.set(e.account_id, s);
  }
  return sums;
}

async function api<T>(url: string, p: string): Promise<T> {
  const r = await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } });
  if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** Stored counts and checksums, through the server's admin API (the server owns the store). */
async function storedChecksums(url: string, accounts: string[]): Promise<Sums> {
  const out: Sums = new Map();
  for (const a of accounts) {
    const r = await api<{ events: number; crc32_sum: string }>(url, `/api/v1/admin/accounts/${a}/checksum`);
    out.set(a, { n: r.events, crc: BigInt(r.crc32_sum) });
  }
  return out;
}

/** The numbers finance and managers read: a summary per account, usage per month, the balance. */
async function numbers(url: string, accounts: string[], months: string[]): Promise<Map<string, unknown>> {
  const m = new Map<string, unknown>();
  for (const a of accounts) {
    const summary = `/api/v1/accounts/${a}/metrics/summary?from=${months[0]}-01&to=${nextMonth(months[months.length - 1])}-01`;
    m.set(summary, await api(url, summary));
    for (const month of months) {
      const u = `/api/v1/accounts/${a}/billing/usage?month=${month}`;
      m.set(u, await api(url, u));
    }
    const b = `/api/v1/accounts/${a}/billing/balance?at=${nextMonth(months[months.length - 1])}-01T00:00:00Z`;
    m.set(b, await api(url, b));
  }
  return m;
}

function nextMonth(ym: string): string {
  const [y, mo] = ym.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

/** The months the file's events fall in (UTC months, widened by one on each side for time zones). */
async function monthsOf(file: string): Promise<string[]> {
  let min = '9999', max = '0000';
  for await (const line of readline.createInterface({ input: openInput(file), crlfDelay: Infinity })) {
    const m = /"occurred_at":"(\d{4}-\d{2})/.exec(line);
    if (!m) continue;
    if (m[1] < min) min = m[1];
    if (m[1] > max) max = m[1];
  }
  const out: string[] = [];
  for (let m = prevMonth(min); m <= nextMonth(max); m = nextMonth(m)) out.push(m);
  return out;
}
function prevMonth(ym: string): string {
  const [y, mo] = ym.split('-').map(Number);
  return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
}

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => undefined);
  const rand = rng(o.seed ?? 7);
  const crashDir = path.join(o.workDir, 'crashed');
  const cleanDir = path.join(o.workDir, 'clean');
  fs.rmSync(o.workDir, { recursive: true, force: true });
  fs.mkdirSync(o.workDir, { recursive: true });

  const source = await sourceChecksums(o.file);
  const accounts = [...source.keys()].sort();
  const months = await monthsOf(o.file);

  // 1. Import while a killer restarts the server `kills` times at random moments.
  let server: ServerProcess = await startServerProcess({ dataDir: crashDir, port: o.port });
  let done = false;
  let kills = 0;
  const killer = (async () => {
    while (kills < o.kills && !done) {
      const gap = (o.minGapMs ?? 1000) + rand() * ((o.maxGapMs ?? 6000) - (o.minGapMs ?? 1000));
      await new Promise((r) => setTimeout(r, gap));
      if (done) break;
      server.child.kill('SIGKILL');
      await server.stop();
      kills++;
      log(`kill ${kills} after ${Math.round(gap)} ms`);
      server = await startServerProcess({ dataDir: crashDir, port: o.port });
    }
  })();
  const t0 = performance.now();
  const totals = await importStream(openInput(o.file), { url: server.url, key: BENCH_ADMIN_KEY, attempts: 30, batchLines: 20_000 });
  done = true;
  await killer;
  const importSeconds = (performance.now() - t0) / 1000;
  log(`import: ${totals.accepted} accepted, ${totals.duplicates} duplicates, ${totals.retries} batches resent, ${importSeconds.toFixed(1)} s`);

  const stored = await storedChecksums(server.url, accounts);
  const checksumMismatches: string[] = [];
  for (const a of accounts) {
    const s = source.get(a)!, t = stored.get(a)!;
    if (s.n !== t.n || s.crc !== t.crc) checksumMismatches.push(`${a}: source ${s.n}/${s.crc}, stored ${t.n}/${t.crc}`);
  }
  const totalsStored = await api<{ events: number; distinct: number }>(server.url, '/api/v1/admin/checksum');
  const crashedNumbers = await numbers(server.url, accounts, months);
  await server.stop();

  // 2. The same file into a fresh store, no kills: the reference numbers.
  const clean = await startServerProcess({ dataDir: cleanDir, port: o.port });
  await importStream(openInput(o.file), { url: clean.url, key: BENCH_ADMIN_KEY });
  const cleanNumbers = await numbers(clean.url, accounts, months);
  await clean.stop();

  const numberMismatches: string[] = [];
  for (const [k, v] of cleanNumbers) {
    if (JSON.stringify(v) !== JSON.stringify(crashedNumbers.get(k))) numberMismatches.push(`${k}: clean ${JSON.stringify(v).slice(0, 300)} / after kills ${JSON.stringify(crashedNumbers.get(k)).slice(0, 300)}`);
  }
  return {
    kills,
    source: { events: [...source.values()].reduce((s, x) => s + x.n, 0), accounts: accounts.length },
    stored: totalsStored,
    checksumMismatches,
    numberMismatches,
    importSeconds,
  };
}
