/**
 * `npm run bench -- billing-heavy [messages]` (or BENCH_MESSAGES): one WhatsApp contact
 * with N messages (default 1,000,000) in a fresh store, through the real server process
 * and HTTP (issue 15 item 3). Measures:
 *   - the first billing read (usage of the last month: derives the contact's items);
 *   - the server's peak RSS during that read (and over the whole run);
 *   - a read after one new message at the end of the history;
 *   - a read after one late message in the middle of it;
 *   - another account's warm balance read, sequentially, while those derivations run.
 * Measures and prints; never fails on timing (the machine is shared and noisy).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_ADMIN_KEY, BENCH_DIR, postFile, startServerProcess, writeNdjson, type ServerProcess } from './util.ts';

const N = Number(process.argv[2] ?? process.env.BENCH_MESSAGES ?? 1_000_000);
const MIN = 60_000;
const DAY = 86_400_000;
/** Messages are a minute apart, and every 500th message comes a day later: ~2 conversations a block, about 2,000 per million messages. */
const BLOCK = 500;
const CONTACT = '628100000001';
/** The history ends at yesterday's 00:00 UTC (so the log file of a day can be reused); its span decides the start. */
const END = Math.floor(Date.now() / DAY) * DAY - DAY;
const timeOf = (i: number) => END - (N - i) * MIN - Math.ceil((N - i) / BLOCK) * DAY;

/** A small PRNG (mulberry32) so that every run stores the same log. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const message = (id: string, ms: number, inbound: boolean, template = false) => ({
  id,
  type: 'message',
  account_id: 'heavy',
  occurred_at: new Date(ms).toISOString(),
  room_id: `room-${Math.floor(ms / DAY)}`,
  channel: 'whatsapp',
  contact_id: CONTACT,
  direction: inbound ? 'inbound' : 'outbound',
  ...(inbound ? {} : { sender: 'bot', template }),
});

function* heavyLog(): Generator<Record<string, unknown>> {
  yield { id: 'h-top', type: 'balance.topup', account_id: 'heavy', occurred_at: new Date(timeOf(0) - DAY).toISOString(), amount: 1_000_000_000 };
  const r = rng(15);
  // 30 % inbound; one outbound in 50 a template (always an initiated conversation).
  for (let i = 0; i < N; i++) {
    const x = r();
    yield message(`m${i}`, timeOf(i), x < 0.3, x > 0.98);
  }
}

/** SPEC's MCC per contact, the plain way (one contact, messages in time order): conversations by category, to check the product's numbers. */
function plainCount(): { service: number; initiated: number } {
  const c = { service: 0, initiated: 0 };
  let open = -Infinity;
  let lastIn = -Infinity;
  for (const e of heavyLog()) {
    if (e.type !== 'message') continue;
    const t = Date.parse(e.occurred_at as string);
    if (e.direction === 'inbound') lastIn = t;
    else if (t >= open + DAY) {
      open = t;
      if (e.template || lastIn < t - DAY) c.initiated++;
      else c.service++;
    }
  }
  return c;
}

const lightLog = () => [
  { id: 'l-top', type: 'balance.topup', account_id: 'light', occurred_at: new Date(END - 30 * DAY).toISOString(), amount: 5000 },
  ...[1, 2, 3].map((i) => ({ ...message(`l${i}`, END - i * DAY, true), account_id: 'light', contact_id: `62811${i}` })),
];

const ms = (x: number) => `${x.toFixed(0)} ms`;
const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MiB`;

/** Resident set size of a process now, bytes. */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

interface Phase {
  ms: number;
  peakRss: number;
  /** the light account's balance reads while it ran, ms each */
  light: number[];
}

async function main(): Promise<void> {
  const dataDir = path.join(BENCH_DIR, `billing-heavy-${N}`);
  const file = path.join(BENCH_DIR, `billing-heavy-${N}-${new Date(END).toISOString().slice(0, 10)}.ndjson`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (!fs.existsSync(file)) await writeNdjson(file, heavyLog());
  const server: ServerProcess = await startServerProcess({ dataDir, port: 18_090 });
  const pid = server.child.pid!;
  const get = async (account: string, p: string) => {
    const r = await fetch(`${server.url}/api/v1/accounts/${account}/billing/${p}`, { headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } });
    if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, unknown> & { mcc?: Record<string, number> };
  };
  const post = async (events: object[]) => {
    const r = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${BENCH_ADMIN_KEY}` }, body: events.map((e) => JSON.stringify(e)).join('\n') });
    if (!r.ok) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
  };
  const month = new Date(END + 7 * 3_600_000).toISOString().slice(0, 7);
  /** Runs one heavy read while sampling RSS every 50 ms and reading the light account's balance back to back. */
  const phase = async (read: () => Promise<unknown>): Promise<Phase> => {
    let done = false;
    let peak = rss(pid);
    const sampler = setInterval(() => (peak = Math.max(peak, rss(pid))), 50);
    const light: number[] = [];
    const lightLoop = (async () => {
      while (!done) {
        const t = performance.now();
        await get('light', 'balance');
        light.push(performance.now() - t);
      }
    })();
    const t = performance.now();
    await read();
    const took = performance.now() - t;
    done = true;
    clearInterval(sampler);
    await lightLoop;
    return { ms: took, peakRss: Math.max(peak, rss(pid)), light };
  };
  try {
    const ing = await postFile(server.url, BENCH_ADMIN_KEY, file);
    await post(lightLog());
    console.log(`stored ${ing.accepted} events (${N} messages on one contact) in ${ing.seconds.toFixed(1)} s; server RSS ${mb(rss(pid))}`);
    // Warm the light account (derived, memo filled): its reads below are warm reads.
    for (let i = 0; i < 5; i++) await get('light', 'balance');
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await get('light', 'balance');
      warm.push(performance.now() - t);
    }
    let usage: Awaited<ReturnType<typeof get>> | undefined;
    const first = await phase(async () => (usage = await get('heavy', `usage?month=${month}`)));
    // The whole history fits one statement (at most 120 months; 1M messages span ~89).
    const firstMonth = new Date(timeOf(0) + 7 * 3_600_000).toISOString().slice(0, 7);
    const st = (await get('heavy', `statement?from=${firstMonth}&to=${month}`)) as unknown as { months: Array<{ mcc: { service: number; initiated: number } }> };
    const got = st.months.reduce((a, m) => ({ service: a.service + m.mcc.service, initiated: a.initiated + m.mcc.initiated }), { service: 0, initiated: 0 });
    await post([message('new-end', END + MIN, false)]);
    const tail = await phase(() => get('heavy', 'balance'));
    await post([message('late-mid', timeOf(Math.floor(N / 2)) - 30_000, true)]);
    const late = await phase(() => get('heavy', 'balance'));
    const again = await phase(() => get('heavy', 'balance'));

    const q = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)] : NaN);
    const line = (name: string, ph: Phase) =>
      console.log(
        `${name.padEnd(34)} ${ms(ph.ms).padStart(9)}  peak RSS ${mb(ph.peakRss).padStart(9)}  light balance meanwhile: ${ph.light.length} reads, p50 ${ms(q(ph.light, 0.5))}, max ${ms(Math.max(...ph.light, 0))}`,
      );
    console.log(`light account, warm balance read (idle): p50 ${ms(q(warm, 0.5))}, max ${ms(Math.max(...warm))}`);
    line('first read (usage, derives all)', first);
    line('read after 1 new message at end', tail);
    line('read after 1 late message in middle', late);
    line('read with nothing new', again);
    console.log(`usage ${month}: ${JSON.stringify(usage?.mcc)}`);
    const want = plainCount();
    console.log(`conversations in all: ${JSON.stringify(got)}; plain count ${JSON.stringify(want)}: ${got.service === want.service && got.initiated === want.initiated ? 'equal' : 'DIFFERENT'}`);
    console.log(`server peak RSS over the whole run (ingestion included): ${mb(server.peakRss())}`);
    const out = { messages: N, ingest_s: ing.seconds, warm_light_p50_ms: q(warm, 0.5), first, tail, late, again, peak_rss: server.peakRss(), at: new Date().toISOString() };
    fs.writeFileSync(path.join(BENCH_DIR, `billing-heavy-${N}-result.json`), JSON.stringify(out, null, 2));
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
