import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Ingestor } from '../ingest/ingestor.ts';
import { splitLines, type Line } from '../ingest/lines.ts';
import { bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => s?.close());

const j = (o: unknown) => JSON.stringify(o);
const msg = (account: string, id: string, room: string, contact = room) =>
  j({ id, type: 'message', account_id: account, occurred_at: '2026-10-10T09:00:00+07:00', room_id: room, channel: 'whatsapp', contact_id: contact, direction: 'inbound' });
const q = async (sql: string, params: Record<string, unknown> = {}) => Number((await s.db.query<{ n: string }>(sql, params))[0].n);
const get = async (url: string) => {
  const r = await s.app.inject({ url, headers: bearer(s.adminKey) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
/** The body as a stream of small chunks with a turn of the event loop between them, as over a real network. */
const trickle = (lines: string[], per = 200) =>
  Readable.from(
    (async function* () {
      for (let i = 0; i < lines.length; i += per) {
        yield Buffer.from(lines.slice(i, i + per).join('\n') + '\n');
        await new Promise((r) => setImmediate(r));
      }
    })(),
  );
const postStream = (lines: string[], per?: number) =>
  s.app.inject({ method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'application/x-ndjson', ...bearer(s.adminKey) }, payload: trickle(lines, per) });

describe('rejected lines: bounded memory and a ceiling', () => {
  test('a 4M-line gzip body of invalid lines: 422 naming the limit, events before it stored, heap bounded, server healthy', async () => {
    const good = Array.from({ length: 50 }, (_, i) => msg('ceil', `g${i}`, `r${i}`));
    const body = zlib.gzipSync(Buffer.from(good.join('\n') + '\n' + 'x\n'.repeat(4_000_000)));
    expect(body.length).toBeLessThan(16 * 1024); // the 8 KB body of the report
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
    const r = await postNdjson(s.app, s.adminKey, body, { 'content-encoding': 'gzip' });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    expect((peak - before) / 2 ** 20).toBeLessThan(300); // MB; before the fix the heap was exhausted

    expect(r.statusCode, r.body).toBe(422);
    const res = r.json();
    expect(res.error.code).toBe('too_many_rejected_lines');
    expect(res.error.message).toContain('100000');
    expect(res.error).toMatchObject({ limit: 100_000, line: 50 + 100_001 });
    expect(res).toMatchObject({ accepted: 50, duplicates: 0, rejected: 100_000, errors_truncated: 100_000 - 100 });
    expect(r.headers.connection).toBe('close');
    expect(await q("SELECT count() AS n FROM events WHERE account_id = 'ceil'")).toBe(50);
    const rid = String(r.headers['x-request-id']);
    const dl = (await s.db.query<{ n: string; lo: number; hi: number }>('SELECT count() AS n, min(line) AS lo, max(line) AS hi FROM rejected_events WHERE request_id = {rid:String}', { rid }))[0];
    expect([Number(dl.n), Number(dl.lo), Number(dl.hi)]).toEqual([100_000, 51, 50 + 100_000]);
    expect((await s.app.inject({ url: '/health' })).statusCode).toBe(200);
  }, 180_000);

  test('rejected lines below the ceiling are all in the dead letters with their line numbers', async () => {
    // 12,000 invalid lines (more than one dead-letter batch of 10,000 rows) and 70 lines
    // over 64 KiB (kept to 64 KiB each: more than one batch of 4 Mi characters).
    const lines: string[] = [];
    const bad = new Map<number, string>();
    for (let i = 1; i <= 24_000; i++) {
      const text = i % 2 === 0 ? `{"broken": ${i}` : msg('dlx', `ok${i}`, `r${i}`);
      if (i % 2 === 0) bad.set(i, text);
      lines.push(text);
    }
    for (let k = 0; k < 70; k++) {
      lines.push(msg('dlx', `long${k}`, 'r').replace('}', `,"pad":"${'y'.repeat(70_000)}"}`));
      bad.set(lines.length, '');
    }
    const r = await postNdjson(s.app, s.adminKey, lines.join('\n'));
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.json()).toMatchObject({ accepted: 12_000, duplicates: 0, rejected: 12_070, errors_truncated: 12_070 - 100 });
    const seen = new Map<number, { raw: string; raw_bytes: number; message: string }>();
    let cursor = '';
    do {
      const page = await get(`/api/v1/rejected?limit=1000&request_id=${r.headers['x-request-id']}${cursor ? `&cursor=${cursor}` : ''}`);
      for (const it of page.items) seen.set(it.line, it);
      cursor = page.next_cursor ?? '';
    } while (cursor);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([...bad.keys()].sort((a, b) => a - b));
    for (const [n, raw] of bad) if (raw) expect(seen.get(n)!.raw).toBe(raw);
    const long = seen.get(24_001)!;
    expect(long.raw.length).toBe(65_536);
    expect(long.raw_bytes).toBeGreaterThan(70_000);
    expect(long.message).toContain('longer than 65536 bytes');
  }, 120_000);

  test('the ceiling is exact: at the limit the answer is normal, one more stops reading', async () => {
    const ing = new Ingestor(s.db, s.app.ctx.dedup, { maxRejectedLines: 10 });
    const run = (account: string, rejected: number) => {
      const body = [msg(account, 'a', 'r1'), ...Array.from({ length: rejected }, (_, i) => `bad ${i}`), msg(account, 'b', 'r2')].join('\n');
      return ing.ingest(splitLines(Readable.from([Buffer.from(body)]), 1e9), { requestId: `ceil-${account}`, keyId: 'test' });
    };
    const at = await run('lim10', 10);
    expect(at).toMatchObject({ accepted: 2, rejected: 10 });
    expect(at.stopped).toBeUndefined();
    const over = await run('lim11', 11);
    expect(over).toMatchObject({ accepted: 1, rejected: 10, stopped: { line: 12, limit: 10 } });
    expect(await q("SELECT count() AS n FROM rejected_events WHERE request_id = 'ceil-lim11'")).toBe(10);
    expect(await q("SELECT count() AS n FROM events WHERE account_id = 'lim11'")).toBe(1);
  });
});

describe('concurrent duplicates', () => {
  const N = 6;
  const IDS = 3000;
  /** Request k carries the same ids with its own room and contact for each. */
  const body = (account: string, k: number) => Array.from({ length: IDS }, (_, i) => msg(account, `ev-${i}`, `k${k}-room${i}`, `k${k}-c${i}`));
  const numbers = async (a: string) => ({
    rows: await q('SELECT count() AS n FROM events WHERE account_id = {a:String}', { a }),
    total_chats: (await get(`/api/v1/accounts/${a}/metrics/summary?from=2026-10-01&to=2026-11-01`)).total_chats,
    muv: (await get(`/api/v1/accounts/${a}/billing/usage?month=2026-10`)).muv.count,
  });

  test(`${N} requests racing with the same ${IDS} new ids store each once; every number equals one sequential post`, async () => {
    const rs = await Promise.all(Array.from({ length: N }, (_, k) => postStream(body('race-n', k))));
    const res = rs.map((r) => {
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    });
    for (const x of res) expect(x.accepted + x.duplicates).toBe(IDS);
    expect(res.reduce((a, x) => a + x.accepted, 0)).toBe(IDS);
    expect(await q("SELECT uniqExact(id) AS n FROM events WHERE account_id = 'race-n'")).toBe(IDS);

    expect((await postNdjson(s.app, s.adminKey, body('race-seq', 0).join('\n'))).json()).toMatchObject({ accepted: IDS });
    const raced = await numbers('race-n');
    expect(raced).toEqual(await numbers('race-seq'));
    expect(raced).toEqual({ rows: IDS, total_chats: IDS, muv: IDS });
    expect(s.app.ctx.dedup.claimed).toBe(0);
  });

  test('two requests with the same ids in opposite orders, each longer than a batch, both finish (no deadlock)', async () => {
    const ids = Array.from({ length: 25_000 }, (_, i) => msg('race-x', `x${i}`, `r${i}`));
    const rs = await Promise.all([postStream(ids, 500), postStream([...ids].reverse(), 500)]);
    const res = rs.map((r) => r.json());
    expect(res.map((x) => x.accepted + x.duplicates)).toEqual([25_000, 25_000]);
    expect(res[0].accepted + res[1].accepted).toBe(25_000);
    expect(await q("SELECT count() AS n FROM events WHERE account_id = 'race-x'")).toBe(25_000);
    expect(s.app.ctx.dedup.claimed).toBe(0);
  }, 60_000);

  test("a request waiting on another's id stores its own copy when the holder fails", async () => {
    let fail!: (e: Error) => void;
    const failed = new Promise<never>((_, rej) => (fail = rej));
    async function* holder(): AsyncGenerator<Line[]> {
      yield [{ n: 1, text: msg('hold', 'h1', 'from-holder'), bytes: 100 }];
      await failed; // the holder's body breaks before its batch is written
    }
    const ing = s.app.ctx.ingestor;
    const a = ing.ingest(holder(), { requestId: 'holder', keyId: 'test' });
    await new Promise((r) => setImmediate(r));
    const b = postNdjson(s.app, s.adminKey, msg('hold', 'h1', 'from-waiter'));
    await new Promise((r) => setTimeout(r, 200));
    expect(s.app.ctx.dedup.claimed).toBeGreaterThan(0); // b waits for a's claim
    fail(new Error('connection reset'));
    await expect(a).rejects.toThrow('connection reset');
    expect((await b).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await s.db.query<{ room_id: string }>("SELECT room_id FROM events WHERE account_id = 'hold'")).map((x) => x.room_id)).toEqual(['from-waiter']);
  });

  test("a request waiting on another's id stores its own copy when the store refuses the holder's", async () => {
    await s.db.command("ALTER TABLE events ADD CONSTRAINT no_poison_h CHECK room_id != 'poison'");
    try {
      const holder = [msg('hold2', 'p1', 'poison'), ...Array.from({ length: 4000 }, (_, i) => msg('hold2', `f${i}`, `f${i}`))];
      const a = postStream(holder, 100);
      while (s.app.ctx.dedup.claimed === 0) await new Promise((r) => setTimeout(r, 1)); // a holds p1 now
      const b = await postNdjson(s.app, s.adminKey, msg('hold2', 'p1', 'fine'));
      expect((await a).json()).toMatchObject({ accepted: 4000, rejected: 1, errors: [{ line: 1, id: 'p1' }] });
      expect(b.json()).toMatchObject({ accepted: 1, duplicates: 0 });
      expect((await s.db.query<{ room_id: string }>("SELECT room_id FROM events WHERE account_id = 'hold2' AND id = 'p1'")).map((x) => x.room_id)).toEqual(['fine']);
    } finally {
      await s.db.command('ALTER TABLE events DROP CONSTRAINT no_poison_h');
    }
  });
});
