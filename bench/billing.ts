/**
 * `npm run bench -- billing [account]`: billing latency on the cached 10M-event store
 * (20 accounts; acct-01, the biggest, has ~2M WhatsApp messages), through the real
 * server process and HTTP:
 *   - the first read of the account (derives its conversations and visitors if the
 *     store has never been billed: once per account, and after a time zone change);
 *   - p50/p95 of usage (this month), balance (now) and a 12-month statement.
 * Aims (README): usage and balance p50 <= 200 ms, statement p50 <= 1 s.
 * Measures and prints; never fails on timing.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { BENCH_ADMIN_KEY, BENCH_DIR, benchServer, fleetFile, latency } from './util.ts';

const account = process.argv[2] ?? 'acct-01';
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

/** Messages of the account in the fleet file (counted once, cached next to it). */
async function fleetCounts(file: string, acct: string): Promise<{ events: number; whatsapp_messages: number }> {
  const cache = `${file}.${acct}.billing-counts.json`;
  if (fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, 'utf8'));
  const counts = { events: 0, whatsapp_messages: 0 };
  const needle = `"account_id":"${acct}"`;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) {
    if (!line.includes(needle)) continue;
    counts.events++;
    if (line.includes('"type":"message"') && line.includes('"channel":"whatsapp"')) counts.whatsapp_messages++;
  }
  fs.writeFileSync(cache, JSON.stringify(counts));
  return counts;
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const file = await fleetFile();
  const counts = await fleetCounts(file, account);
  console.log(`${account}: ${counts.events} events, ${counts.whatsapp_messages} WhatsApp messages in ${file.replace(BENCH_DIR + '/', '')}`);
  const server = await benchServer();
  try {
    const get = async (path: string) => {
      const r = await fetch(`${server.url}/api/v1/accounts/${account}/billing/${path}`, { headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json() as Promise<Record<string, unknown>>;
    };
    let t = performance.now();
    const first = await get('usage');
    const firstMs = performance.now() - t;
    console.log(`first read (derives the account's items when never billed): ${ms(firstMs)}`);
    console.log(`usage ${first.month}: ${JSON.stringify(first.mcc)}`);
    t = performance.now();
    const st = (await get('statement?from=2026-01&to=2026-12')) as { months: Array<{ mcc: { total: number }; muv: { count: number } }> };
    const conv = st.months.reduce((a, m) => a + m.mcc.total, 0);
    const vis = st.months.reduce((a, m) => a + m.muv.count, 0);
    console.log(`12-month statement (first): ${ms(performance.now() - t)}; ${conv} conversations, ${vis} visitor-months`);

    const results = {
      usage: await latency(RUNS, () => get('usage')),
      balance: await latency(RUNS, () => get('balance')),
      statement_12_months: await latency(Math.max(5, Math.floor(RUNS / 3)), () => get('statement?from=2026-01&to=2026-12')),
      conversations_page_1000: await latency(Math.max(5, Math.floor(RUNS / 3)), () => get('conversations?month=2026-10&limit=1000')),
    };
    console.log('\nlatency over HTTP (sequential):');
    for (const [name, r] of Object.entries(results)) console.log(`  ${name.padEnd(24)} p50 ${ms(r.p50).padStart(10)}  p95 ${ms(r.p95).padStart(10)}  min ${ms(r.min).padStart(10)}  max ${ms(r.max).padStart(10)}`);
    const aims = { usage: 200, balance: 200, statement_12_months: 1000 } as const;
    for (const [name, aim] of Object.entries(aims)) {
      const p50 = results[name as keyof typeof aims].p50;
      console.log(`  ${name}: p50 ${ms(p50)} ${p50 <= aim ? '<=' : '>'} aim ${aim} ms`);
    }
    const out = { account, ...counts, first_read_ms: firstMs, conversations: conv, visitor_months: vis, runs: RUNS, results, at: new Date().toISOString() };
    fs.writeFileSync(`${BENCH_DIR}/billing-result.json`, JSON.stringify(out, null, 2));
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
