import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXAMPLE_EXPECTED, EXAMPLE_NDJSON, bearer, postNdjson, seeded, startServer, type TestServer } from './helpers.ts';

const example = fs.readFileSync(EXAMPLE_NDJSON, 'utf8');
const expected = JSON.parse(fs.readFileSync(EXAMPLE_EXPECTED, 'utf8'));
let s: TestServer;

beforeAll(async () => {
  s = await startServer({ MAX_BODY_BYTES: String(2 * 1024 * 1024) });
});
afterAll(async () => s?.close());

const count = async (account: string) =>
  Number((await s.db.query<{ n: string }>('SELECT count() AS n FROM events WHERE account_id = {a:String}', { a: account }))[0].n);

/** The worked example under another account id, so each test has its own data. */
const exampleAs = (account: string) => example.replaceAll('"account_id": "demo"', `"account_id": "${account}"`);

describe('occurred_at reaches the store as ms since 1970', () => {
  test('2,000 random RFC 3339 times (fractions 0-9 digits, offsets -23:59..+23:59, edge years) are stored as the engine reads their text', async () => {
    const rnd = seeded(7);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const two = (n: number) => String(n).padStart(2, '0');
    const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    const times = ['2000-01-01T00:00:00Z', '1999-12-31T23:30:00-01:00', '2199-12-31T23:59:59.999999Z', '2200-01-01T00:30:00+01:00', '2024-02-29T12:00:00.5+05:45'];
    while (times.length < 2000) {
      const y = int(2001, 2198);
      const mo = int(1, 12);
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      const d = int(1, mo === 2 && leap ? 29 : DAYS[mo - 1]);
      const digits = int(0, 9);
      const frac = digits ? '.' + Array.from({ length: digits }, () => int(0, 9)).join('') : '';
      const off = rnd() < 0.3 ? 'Z' : `${rnd() < 0.5 ? '-' : '+'}${two(int(0, 23))}:${two(int(0, 59))}`;
      times.push(`${y}-${two(mo)}-${two(d)}T${two(int(0, 23))}:${two(int(0, 59))}:${two(int(0, 59))}${frac}${off}`);
    }
    const body = times.map((t, i) => JSON.stringify({ id: `t${i}`, type: 'room.assigned', account_id: 'ts-ms', occurred_at: t, room_id: `r${i}`, agent_id: 'a' })).join('\n');
    expect((await postNdjson(s.app, s.adminKey, body)).json()).toMatchObject({ accepted: 2000, rejected: 0 });
    // The second reading: the engine's own best-effort parser on the same texts.
    await s.db.command("CREATE TABLE ts_text (i UInt32, t DateTime64(3, 'UTC')) ENGINE = Memory");
    await s.db.insertJsonRows('ts_text', Buffer.from(times.map((t, i) => JSON.stringify({ i, t })).join('\n')), { date_time_input_format: 'best_effort' });
    const engine = await s.db.query<{ i: number; ms: string }>('SELECT i, toString(toUnixTimestamp64Milli(t)) AS ms FROM ts_text ORDER BY i');
    const stored = await s.db.query<{ id: string; ms: string }>("SELECT id, toString(toUnixTimestamp64Milli(occurred_at)) AS ms FROM events WHERE account_id = 'ts-ms'");
    const byId = new Map(stored.map((r) => [r.id, r.ms]));
    expect(engine).toHaveLength(2000);
    expect(times.filter((_, i) => byId.get(`t${i}`) !== engine[i].ms)).toEqual([]);
    // And by hand: 1999-12-31T23:30:00-01:00 is 2000-01-01 00:30 UTC; a fraction of 6 digits is cut to ms.
    expect(byId.get('t1')).toBe(String(Date.UTC(2000, 0, 1, 0, 30)));
    expect(byId.get('t2')).toBe(String(Date.UTC(2199, 11, 31, 23, 59, 59, 999)));
  });
});

describe('the worked example', () => {
  test('first post stores 42 and counts the 2 retries as duplicates; the second post stores nothing', async () => {
    const r1 = await postNdjson(s.app, s.adminKey, example);
    expect(r1.statusCode).toBe(200);
    expect(r1.json()).toEqual({ accepted: expected.ingest.accepted, duplicates: expected.ingest.duplicates, rejected: 0, errors: [] });
    expect(await count('demo')).toBe(42);
    const r2 = await postNdjson(s.app, s.adminKey, example);
    expect(r2.json()).toEqual({ accepted: 0, duplicates: 44, rejected: 0, errors: [] });
    expect(await count('demo')).toBe(42);
  });

  test('the account key of the example may post it; gzip and CRLF line ends are read', async () => {
    const key = await s.accountKey('gz');
    const body = zlib.gzipSync(exampleAs('gz').replaceAll('\n', '\r\n'));
    const r = await postNdjson(s.app, key, body, { 'content-encoding': 'gzip' });
    expect(r.json()).toMatchObject({ accepted: 42, duplicates: 2, rejected: 0 });
    expect(await count('gz')).toBe(42);
  });

  test('a JSON array is accepted, its element positions are the line numbers', async () => {
    const events = exampleAs('arr').trim().split('\n').map((l) => JSON.parse(l));
    events.splice(3, 0, { ...events[4], id: 'bad', occurred_at: 'yesterday' });
    const r = await s.app.inject({ method: 'POST', url: '/api/v1/events', headers: { ...bearer(s.adminKey), 'content-type': 'application/json' }, payload: JSON.stringify(events) });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ accepted: 42, duplicates: 2, rejected: 1, errors: [{ line: 4, id: 'bad', field: 'occurred_at' }] });
  });

  test('the same event in concurrent requests is stored once', async () => {
    const line = JSON.stringify({ id: 'race-1', type: 'room.assigned', account_id: 'race', occurred_at: '2026-10-01T00:00:00Z', room_id: 'r', agent_id: 'a' });
    const filler = (k: number) => Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `f${k}-${i}`, type: 'csat.requested', account_id: 'race', occurred_at: '2026-10-01T00:00:00Z', room_id: `r${i}` }));
    const bodies = [0, 1, 2, 3].map((k) => [...filler(k), line].join('\n'));
    const rs = await Promise.all(bodies.map((b) => postNdjson(s.app, s.adminKey, b)));
    const total = rs.map((r) => r.json()).reduce((a, j) => ({ accepted: a.accepted + j.accepted, duplicates: a.duplicates + j.duplicates }), { accepted: 0, duplicates: 0 });
    expect(total).toEqual({ accepted: 4 * 3000 + 1, duplicates: 3 });
    expect(Number((await s.db.query<{ n: string }>("SELECT count() AS n FROM events WHERE account_id = 'race' AND id = 'race-1'"))[0].n)).toBe(1);
  });

  test('a retry of an event stored in an earlier request is found in the store, not only in memory', async () => {
    // A fresh index (as after a restart) must learn the stored ids from the store.
    const { DedupIndex } = await import('../ingest/dedup.ts');
    const fresh = new DedupIndex(s.db);
    expect(await fresh.load()).toBeGreaterThanOrEqual(42);
    const { Bloom } = await import('../ingest/bloom.ts');
    expect(fresh.check('demo\u0000r1-in1', Bloom.hash('demo', 'r1-in1'))).toBe('maybe');
    expect(await fresh.stored([{ account: 'demo', id: 'r1-in1' }, { account: 'demo', id: 'nope' }])).toEqual(new Set(['demo\u0000r1-in1']));
  });
});

// One valid event of each shape, mutated per case below.
const msg = { id: 'm1', type: 'message', account_id: 'bad', occurred_at: '2026-10-01T09:00:00+07:00', room_id: 'r1', channel: 'whatsapp', contact_id: '628', direction: 'inbound' };
const csat = { id: 'c1', type: 'csat.submitted', account_id: 'bad', occurred_at: '2026-10-01T09:00:00Z', room_id: 'r1', score: 4 };
const topup = { id: 't1', type: 'balance.topup', account_id: 'bad', occurred_at: '2026-10-01T09:00:00Z', amount: 1000 };
const adj = { id: 'a1', type: 'balance.adjustment', account_id: 'bad', occurred_at: '2026-10-01T09:00:00Z', amount: -5, reason: 'refund' };
const plan = { id: 'p1', type: 'plan.changed', account_id: 'bad', occurred_at: '2026-10-01T00:00:00Z', mcc_free_monthly: 1, muv_free_monthly: 1, price_mcc_service: 275, price_mcc_initiated: 460, price_muv: 600, mcc_rollover: true };
const without = (o: Record<string, unknown>, k: string) => Object.fromEntries(Object.entries(o).filter(([x]) => x !== k));
const j = (o: unknown) => JSON.stringify(o);

// [name, line, field, message] — each line is sent between two valid lines.
const badLines: Array<[string, string, string | null, string]> = [
  ['invalid JSON', '{"id": "x", "type": ', null, 'is not valid JSON'],
  ['not an object', '[1,2,3]', null, 'must be a JSON object'],
  ['a bare string', '"hello"', null, 'must be a JSON object'],
  ['unknown type', j({ ...msg, type: 'room.exploded' }), 'type', 'must be one of: room.opened, message, room.assigned'],
  ['missing type', j(without(msg, 'type')), 'type', 'is required'],
  ['missing id', j(without(msg, 'id')), 'id', 'is required'],
  ['empty id', j({ ...msg, id: '' }), 'id', 'must not be empty'],
  ['id over 128 chars', j({ ...msg, id: 'x'.repeat(129) }), 'id', 'must be at most 128 characters'],
  ['id not a string', j({ ...msg, id: 42 }), 'id', 'must be a string'],
  ['missing account_id', j(without(msg, 'account_id')), 'account_id', 'is required'],
  ['bad account_id', j({ ...msg, account_id: 'acme corp' }), 'account_id', 'must be 1-64 characters of A-Z a-z 0-9 _ . -'],
  ['account_id over 64 chars', j({ ...msg, account_id: 'a'.repeat(65) }), 'account_id', 'must be 1-64 characters'],
  ['missing occurred_at', j(without(msg, 'occurred_at')), 'occurred_at', 'is required'],
  ['timestamp without zone', j({ ...msg, occurred_at: '2026-10-01T09:00:00' }), 'occurred_at', 'must be an RFC 3339 timestamp'],
  ['timestamp as a number', j({ ...msg, occurred_at: 1759284000000 }), 'occurred_at', 'must be a string'],
  ['impossible date', j({ ...msg, occurred_at: '2026-02-30T09:00:00Z' }), 'occurred_at', 'is not a real date and time'],
  ['hour 24', j({ ...msg, occurred_at: '2026-10-01T24:00:00Z' }), 'occurred_at', 'is not a real date and time'],
  ['year out of range', j({ ...msg, occurred_at: '1999-12-31T23:59:59Z' }), 'occurred_at', 'between the years 2000 and 2199'],
  ['missing room_id', j(without(msg, 'room_id')), 'room_id', 'is required'],
  ['unknown channel', j({ ...msg, channel: 'sms' }), 'channel', 'must be one of: whatsapp, instagram'],
  ['bad direction', j({ ...msg, direction: 'sideways' }), 'direction', 'must be one of: inbound, outbound'],
  ['outbound without sender', j({ ...msg, direction: 'outbound' }), 'sender', 'is required for an outbound message'],
  ['agent message without agent_id', j({ ...msg, direction: 'outbound', sender: 'agent' }), 'agent_id', 'is required when sender is agent'],
  ['template not a boolean', j({ ...msg, direction: 'outbound', sender: 'bot', template: 'yes' }), 'template', 'must be a boolean'],
  ['score 0', j({ ...csat, score: 0 }), 'score', 'must be at least 1'],
  ['score 6', j({ ...csat, score: 6 }), 'score', 'must be at most 5'],
  ['score 4.5', j({ ...csat, score: 4.5 }), 'score', 'must be an integer'],
  ['comment over 2000 chars', j({ ...csat, comment: 'x'.repeat(2001) }), 'comment', 'must be at most 2000 characters'],
  ['zero top-up', j({ ...topup, amount: 0 }), 'amount', 'must be at least 1'],
  ['negative top-up', j({ ...topup, amount: -100 }), 'amount', 'must be at least 1'],
  ['top-up as a string', j({ ...topup, amount: '1000' }), 'amount', 'must be an integer'],
  ['zero adjustment', j({ ...adj, amount: 0 }), 'amount', 'must not be 0'],
  ['adjustment without reason', j(without(adj, 'reason')), 'reason', 'is required'],
  ['plan with negative price', j({ ...plan, price_muv: -1 }), 'price_muv', 'must be at least 0'],
  ['plan without rollover', j(without(plan, 'mcc_rollover')), 'mcc_rollover', 'is required'],
  ['plan with unknown time zone', j({ ...plan, timezone: 'Asia/Atlantis' }), 'timezone', 'must be an IANA time zone'],
  ['a lone surrogate in a string', j({ ...csat, comment: 'ok \ud800 then' }), 'comment', 'must be valid Unicode'],
  ['line over 64 KiB', j({ ...msg, id: 'long', pad: 'x'.repeat(70_000) }), null, 'line is longer than 65536 bytes'],
];

describe('bad lines', () => {
  test.each(badLines)('%s: rejected with field and reason; the valid lines around it are stored', async (name, line, field, message) => {
    const account = `bad-${badLines.findIndex((b) => b[0] === name)}`;
    const good = (id: string) => j({ ...msg, account_id: account, id });
    const body = [good('before'), line.replaceAll('"account_id":"bad"', `"account_id":"${account}"`), good('after')].join('\n');
    const r = await postNdjson(s.app, s.adminKey, body);
    expect(r.statusCode).toBe(200);
    const res = r.json();
    expect(res).toMatchObject({ accepted: 2, duplicates: 0, rejected: 1 });
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0].line).toBe(2);
    expect(res.errors[0].field).toBe(field);
    expect(res.errors[0].message).toContain(message);
    expect(await count(account)).toBe(2);
  });

  test('every rejected line is kept verbatim in the dead letters, listed for admins with paging', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => `{"broken": ${i}`);
    const r = await postNdjson(s.app, s.adminKey, [j({ ...msg, account_id: 'dl', id: 'ok' }), ...lines].join('\n'));
    expect(r.json()).toMatchObject({ accepted: 1, rejected: 5 });
    const mine = (await s.app.inject({ url: `/api/v1/rejected?limit=1000&request_id=${r.headers['x-request-id']}`, headers: bearer(s.adminKey) })).json().items;
    expect(mine.map((x: { raw: string }) => x.raw).sort()).toEqual(lines.sort());
    expect(mine.map((x: { line: number }) => x.line).sort()).toEqual([2, 3, 4, 5, 6]);
    expect(mine[0].message).toContain('is not valid JSON');
    const p1 = await s.app.inject({ url: '/api/v1/rejected?limit=2', headers: bearer(s.adminKey) });
    const p2 = await s.app.inject({ url: `/api/v1/rejected?limit=2&cursor=${p1.json().next_cursor}`, headers: bearer(s.adminKey) });
    expect(p1.json().items, p1.body).toHaveLength(2);
    expect(p2.statusCode, p2.body).toBe(200);
    expect(p2.json().items).toHaveLength(2);
    const k = (x: { request_id: string; line: number }) => `${x.request_id}/${x.line}`;
    expect(p2.json().items.map(k)).not.toContain(p1.json().items.map(k)[0]);
    const acctKey = await s.accountKey('dl');
    expect((await s.app.inject({ url: '/api/v1/rejected', headers: bearer(acctKey) })).statusCode).toBe(403);
  });

  test('text that merely looks like an escape (a backslash, then u d 8 0 0) is stored as it is', async () => {
    const r = await postNdjson(s.app, s.adminKey, j({ ...csat, account_id: 'esc', comment: 'path C:\\ud800\\x' }));
    expect(r.json()).toMatchObject({ accepted: 1, rejected: 0 });
    expect((await s.db.query<{ comment: string }>("SELECT comment FROM events WHERE account_id = 'esc'"))[0].comment).toBe('path C:\\ud800\\x');
  });

  test('a row the store itself refuses is rejected alone; the rest of its batch is stored', async () => {
    // A real refusal by the engine: a constraint on this test's own store.
    await s.db.command("ALTER TABLE events ADD CONSTRAINT no_poison CHECK comment != 'poison'");
    try {
      const lines = Array.from({ length: 50 }, (_, i) => j({ ...csat, account_id: 'poison', id: `p${i}`, comment: i === 17 ? 'poison' : 'fine' }));
      const r = await postNdjson(s.app, s.adminKey, lines.join('\n'));
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ accepted: 49, rejected: 1, errors: [{ line: 18, id: 'p17', field: null }] });
      expect(r.json().errors[0].message).toMatch(/^the store refused this event: .*no_poison/);
      expect(await count('poison')).toBe(49);
    } finally {
      await s.db.command('ALTER TABLE events DROP CONSTRAINT no_poison');
    }
  });

  test('more than 100 rejected lines: 100 echoed, the rest counted', async () => {
    const body = Array.from({ length: 150 }, (_, i) => `not json ${i}`).concat([j({ ...msg, account_id: 'many', id: 'ok' })]).join('\n');
    const r = await postNdjson(s.app, s.adminKey, body);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ accepted: 1, rejected: 150, errors_truncated: 50 });
    expect(r.json().errors).toHaveLength(100);
  });
});

describe('unusable requests', () => {
  const line = j({ ...msg, account_id: 'req' });
  const cases: Array<[string, () => Promise<{ statusCode: number; json(): any }>, number, string]> = [
    ['no key', () => s.app.inject({ method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'application/x-ndjson' }, payload: line }), 401, 'unauthorized'],
    ['a malformed key', () => postNdjson(s.app, 'not-a-key', line), 401, 'unauthorized'],
    ['a wrong content type', () => postNdjson(s.app, s.adminKey, line, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
    ['an unknown content encoding', () => postNdjson(s.app, s.adminKey, line, { 'content-encoding': 'br' }), 415, 'unsupported_encoding'],
    ['an empty body', () => postNdjson(s.app, s.adminKey, ''), 400, 'empty_body'],
    ['only blank lines', () => postNdjson(s.app, s.adminKey, '\n\n  \n'), 400, 'empty_body'],
    ['nothing parseable', () => postNdjson(s.app, s.adminKey, 'garbage\nmore garbage'), 400, 'nothing_parseable'],
    ['a body over MAX_BODY_BYTES', () => postNdjson(s.app, s.adminKey, (line + '\n').repeat(20_000)), 413, 'payload_too_large'],
    ['invalid gzip', () => postNdjson(s.app, s.adminKey, 'not gzip at all', { 'content-encoding': 'gzip' }), 400, 'bad_gzip'],
    ["another account's key", async () => postNdjson(s.app, await s.accountKey('someone-else'), line), 403, 'forbidden'],
  ];
  test.each(cases)('%s', async (_name, send, status, code) => {
    const r = await send();
    expect(r.statusCode).toBe(status);
    expect(r.json().error.code).toBe(code);
    expect(typeof r.json().error.message).toBe('string');
  });

  test('nothing parseable still counts (and keeps) every line', async () => {
    const r = await postNdjson(s.app, s.adminKey, 'garbage\nmore garbage');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ accepted: 0, duplicates: 0, rejected: 2, errors: [{ line: 1 }, { line: 2 }] });
  });

  test("an account key's lines for another account are rejected one by one; its own are stored", async () => {
    const key = await s.accountKey('mine');
    const r = await postNdjson(s.app, key, [j({ ...msg, account_id: 'mine', id: 'a' }), j({ ...msg, account_id: 'theirs', id: 'b' })].join('\n'));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ accepted: 1, rejected: 1, errors: [{ line: 2, id: 'b', field: 'account_id' }] });
    expect(await count('theirs')).toBe(0);
  });
});

describe('health and docs', () => {
  test('/health answers without a key', async () => {
    const r = await s.app.inject({ url: '/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', clickhouse: { mode: 'embedded' } });
    expect(r.json().clickhouse.version).toMatch(/^\d+\.\d+/);
  });
  test('/openapi.json documents the ingestion endpoint and the event schema', async () => {
    const doc = (await s.app.inject({ url: '/openapi.json' })).json();
    expect(doc.paths['/api/v1/events'].post).toBeDefined();
    expect(JSON.stringify(doc.components.schemas)).toContain('csat.submitted');
    expect((await s.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });
});
