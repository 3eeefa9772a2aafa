import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.ts';
import { clockFrom } from '../core/clock.ts';
import { readerOf } from '../sql/account.ts';
import { bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * Issue 12, item 5: identical report reads share one computation and are kept per account
 * data version, and no answer misses an event acknowledged before the request, on this
 * instance or on a second one sharing the store.
 */

let s: TestServer;
let other: FastifyInstance;
const clock = clockFrom(Date.parse('2026-11-16T10:00:00+07:00'));
const SUMMARY = '/api/v1/accounts/acme/metrics/summary?from=2026-11-01&to=2026-12-01';
const USAGE = '/api/v1/accounts/acme/billing/usage?month=2026-11';
const ROOMS = '/api/v1/accounts/acme/rooms?from=2026-11-01&to=2026-12-01';

let n = 0;
/** A new inbound WhatsApp room on 10 November: one more chat, and one more visitor. */
const room = () => {
  n++;
  return JSON.stringify({ id: `rc-${n}`, type: 'message', account_id: 'acme', occurred_at: `2026-11-10T0${n % 10}:00:00+07:00`, room_id: `room-${n}`, channel: 'whatsapp', contact_id: `62811000${n}`, direction: 'inbound' });
};
const post = async (app: FastifyInstance, lines: string[]) => {
  const r = await postNdjson(app, s.adminKey, lines.join('\n'));
  expect(r.statusCode, r.body).toBe(200);
  expect(r.json().rejected, r.body).toBe(0);
};
const get = async (app: FastifyInstance, url: string) => {
  const r = await app.inject({ method: 'GET', url, headers: bearer(s.adminKey) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

beforeAll(async () => {
  s = await startServer({}, { clock });
  // A second API instance on the same store, as two servers sharing one ClickHouse.
  other = await buildApp({ config: s.config, db: s.db, clock });
  await post(s.app, [room(), room()]);
});
afterAll(async () => {
  await other?.close();
  await s?.close();
});

describe('read cache', () => {
  test('a repeated read is served from the cache; identical reads in flight share one computation', async () => {
    const reads = s.app.ctx.reads;
    const first = await get(s.app, SUMMARY);
    expect(first.total_chats).toBe(2);
    const before = reads.stats();
    expect(await get(s.app, SUMMARY)).toEqual(first);
    expect(reads.stats().hits).toBe(before.hits + 1);
    expect(reads.stats().computed).toBe(before.computed);

    const url = `${SUMMARY}&channel=whatsapp`;
    const c0 = reads.stats();
    const answers = await Promise.all(Array.from({ length: 8 }, () => get(s.app, url)));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const c1 = reads.stats();
    expect(c1.computed - c0.computed).toBe(1);
    expect(c1.hits + c1.shared - c0.hits - c0.shared).toBe(7);

    // Concurrent reads share their version reads (sql/account.ts): fewer store reads than requests.
    const versions = readerOf(s.db);
    const r0 = versions.reads;
    const many = await Promise.all(Array.from({ length: 20 }, () => get(s.app, url)));
    expect(new Set(many.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(versions.reads - r0).toBeGreaterThan(0);
    expect(versions.reads - r0).toBeLessThan(20);

    // A rooms page is kept the same way.
    const page = await get(s.app, ROOMS);
    expect(page.rooms).toHaveLength(2);
    const c2 = reads.stats();
    expect(await get(s.app, ROOMS)).toEqual(page);
    expect(reads.stats().hits).toBe(c2.hits + 1);
  });

  test('an acknowledged event is in the next answer, on this instance and on another sharing the store', async () => {
    expect((await get(s.app, SUMMARY)).total_chats).toBe(2);
    expect((await get(other, SUMMARY)).total_chats).toBe(2);
    expect((await get(other, USAGE)).muv.count).toBe(2);
    // Stored through the other instance: this one's cache must not answer with the old version.
    expect((await get(s.app, ROOMS)).rooms).toHaveLength(2);
    await post(other, [room()]);
    expect((await get(s.app, SUMMARY)).total_chats).toBe(3);
    expect((await get(s.app, ROOMS)).rooms).toHaveLength(3);
    expect((await get(s.app, USAGE)).muv.count).toBe(3);
    await post(s.app, [room()]);
    expect((await get(other, SUMMARY)).total_chats).toBe(4);
    expect((await get(other, USAGE)).muv.count).toBe(4);
    // A duplicate changes nothing, and a read after it is still right.
    await post(s.app, [`{"id":"rc-1","type":"message","account_id":"acme","occurred_at":"2026-11-10T01:00:00+07:00","room_id":"room-x","channel":"whatsapp","contact_id":"x","direction":"inbound"}`]);
    expect((await get(s.app, SUMMARY)).total_chats).toBe(4);
  });
});
