/**
 * `npm run bench -- queries [--runs N] [--month YYYY-MM]`: latency over HTTP of the manager
 * metrics on the 10M-event benchmark store (20 accounts, the biggest a fifth of the events;
 * loaded once through HTTP by benchServer and cached in .bench/store-10000000).
 *
 * Finds the biggest account from the data (rooms of the whole fleet period), then, for one
 * month of it, times `runs` sequential requests of each endpoint after a warm-up: summary,
 * daily timeseries, agents, the rooms' first page (the four the issue names), and the rest
 * of the endpoints for reference. Prints p50 / p95 per endpoint (ms), the server's CPU time
 * per request (from /proc: unlike latency it hardly depends on what else the machine
 * runs), the targets, and the store's size on disk. A benchmark measures and reports; it
 * never fails on timing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_ADMIN_KEY, BENCH_DIR, benchServer, dirBytes, latency } from './util.ts';

/** CPU time (user + system) of a process so far, ms; /proc counts in clock ticks of 10 ms. */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '60' }, month: { type: 'string', default: '2026-10' } } });
const runs = Number(values.runs);
const [y, m] = values.month.split('-').map(Number);
const from = `${values.month}-01`;
const to = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;

const server = await benchServer();
try {
  const headers = { authorization: `Bearer ${BENCH_ADMIN_KEY}` };
  const get = async (url: string) => {
    const r = await fetch(server.url + url, { headers });
    if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
    return r.json();
  };

  // The biggest account, from the data: rooms over the fleet's whole period.
  const sizes: Array<[string, number]> = [];
  for (let i = 1; i <= 20; i++) {
    const account = `acct-${String(i).padStart(2, '0')}`;
    const s = (await get(`/api/v1/accounts/${account}/metrics/summary?from=2026-01-01&to=2026-12-01`)) as { total_chats: number };
    sizes.push([account, s.total_chats]);
  }
  sizes.sort((a, b) => b[1] - a[1]);
  const [account, rooms] = sizes[0];
  const all = sizes.reduce((a, s) => a + s[1], 0);
  console.error(`biggest account ${account}: ${rooms} rooms of ${all} (${((100 * rooms) / all).toFixed(1)}%)`);

  const base = `/api/v1/accounts/${account}`;
  const w = `from=${from}&to=${to}`;
  const endpoints: Array<[string, string, boolean]> = [
    ['summary', `${base}/metrics/summary?${w}`, true],
    ['timeseries (day)', `${base}/metrics/timeseries?metric=total_chats&interval=day&${w}`, true],
    ['agents', `${base}/metrics/agents?${w}`, true],
    ['rooms (first page)', `${base}/rooms?${w}`, true],
    ['timeseries response_time (day)', `${base}/metrics/timeseries?metric=response_time&interval=day&${w}`, false],
    ['timeseries first_response_time (week)', `${base}/metrics/timeseries?metric=first_response_time&interval=week&${w}`, false],
    ['timeseries csat (hour)', `${base}/metrics/timeseries?metric=csat&interval=hour&${w}`, false],
    ['channels', `${base}/metrics/channels?${w}`, false],
    ['heatmap', `${base}/metrics/heatmap?${w}`, false],
    ['csat responses (first page)', `${base}/csat/responses?${w}`, false],
    ['summary, business_hours', `${base}/metrics/summary?${w}&business_hours=true`, false],
    ['summary, channel + agent filter', `${base}/metrics/summary?${w}&channel=whatsapp&agent=agent-rina`, false],
  ];
  for (const [, url] of endpoints) for (let i = 0; i < 3; i++) await get(url); // warm-up

  const results: Record<string, { p50_ms: number; p95_ms: number; min_ms: number; max_ms: number; server_cpu_ms: number; named: boolean }> = {};
  const pid = server.child.pid!;
  for (const [name, url, named] of endpoints) {
    const cpu0 = cpuMs(pid);
    const l = await latency(runs, () => get(url));
    const cpu = (cpuMs(pid) - cpu0) / runs;
    results[name] = { p50_ms: +l.p50.toFixed(1), p95_ms: +l.p95.toFixed(1), min_ms: +l.min.toFixed(1), max_ms: +l.max.toFixed(1), server_cpu_ms: +cpu.toFixed(1), named };
    console.error(`${name.padEnd(40)} p50 ${l.p50.toFixed(1).padStart(7)} ms   p95 ${l.p95.toFixed(1).padStart(7)} ms   server CPU ${cpu.toFixed(1).padStart(6)} ms/request`);
  }
  const summary = await get(`${base}/metrics/summary?${w}`);
  const storeDir = path.join(BENCH_DIR, 'store-10000000');
  const result = {
    date: new Date().toISOString(),
    load_average: os.loadavg().map((x) => +x.toFixed(2)),
    cores: os.cpus().length,
    account,
    account_rooms_total: rooms,
    month: values.month,
    month_rooms: summary.total_chats,
    runs,
    results,
    targets: {
      summary_p50_under_50ms: results.summary.p50_ms <= 50,
      summary_p95_under_150ms: results.summary.p95_ms <= 150,
      every_named_endpoint_p95_under_300ms: Object.values(results).filter((r) => r.named).every((r) => r.p95_ms < 300),
    },
    store_bytes: dirBytes(storeDir),
    store_gb: +(dirBytes(storeDir) / 1e9).toFixed(2),
  };
  console.log(JSON.stringify(result, null, 2));
  fs.writeFileSync(path.join(BENCH_DIR, 'queries-result.json'), JSON.stringify(result, null, 2));
} finally {
  await server.stop();
}
