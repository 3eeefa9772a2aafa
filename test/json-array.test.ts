import fs from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { splitJsonArray } from '../ingest/json-array.ts';
import { MAX_LINE_BYTES, type Line } from '../ingest/lines.ts';
import { EXAMPLE_NDJSON, bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

/** Every line the splitter yields for `body` cut into chunks of `size` bytes. */
async function split(body: string | Buffer, size = 7): Promise<Line[]> {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const chunks: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) chunks.push(b.subarray(i, i + size));
  const out: Line[] = [];
  for await (const ls of splitJsonArray(Readable.from(chunks), 1 << 30)) out.push(...ls);
  return out;
}

const example = fs.readFileSync(EXAMPLE_NDJSON, 'utf8').trim().split('\n');

describe('the JSON array splitter', () => {
  test('element i is line i + 1 and parses to what JSON.parse of the whole array gives, for any chunking', async () => {
    const items: unknown[] = [
      ...example.map((l) => JSON.parse(l)),
      { s: 'a "quoted" ] , } [ { string \\ with \u00e9 and 💥' },
      [1, [2, [3]]],
      'x',
      42,
      null,
      true,
      { nested: { deep: [{ a: '}' }] } },
    ];
    const body = JSON.stringify(items, null, 1);
    for (const size of [1, 3, 64, 1 << 20]) {
      const lines = await split(body, size);
      expect(lines.map((l) => l.n)).toEqual(items.map((_, i) => i + 1));
      expect(lines.map((l) => JSON.parse(l.text!))).toEqual(items);
    }
  });

  test('empty, a single object, a byte-order mark', async () => {
    expect(await split('')).toEqual([]);
    expect(await split('  [ ]  ')).toEqual([]);
    expect((await split('{"a":1}')).map((l) => l.text)).toEqual(['{"a":1}']);
    expect((await split('\ufeff[{"a":1},{"b":2}]')).map((l) => l.text)).toEqual(['{"a":1}', '{"b":2}']);
  });

  test('a broken array: the elements before the break are lines, the rest is one line that does not parse', async () => {
    const cases: Array<[string, string[]]> = [
      ['[{"a":1},,{"b":2}]', ['{"a":1}', ',{"b":2}]']],
      ['[{"a":1}] trailing', ['{"a":1}', 'trailing']],
      ['[,1]', [',1]']],
      ['[1 2]', ['1 2']],
      ['[{"a":1},]', ['{"a":1}', ']']],
    ];
    for (const [body, want] of cases) {
      const lines = await split(body, 2);
      expect(lines.map((l) => l.text), body).toEqual(want);
      expect(() => JSON.parse(lines.at(-1)!.text!), body).toThrow();
    }
  });

  test('an element longer than a line may be keeps its head only, like an NDJSON line; deep nesting is counted, not recursed', async () => {
    const long = JSON.stringify({ s: 'x'.repeat(3 * MAX_LINE_BYTES) });
    const [a, b] = await split(`[${long},{"ok":1}]`, 4096);
    expect(a).toMatchObject({ n: 1, text: null, bytes: long.length });
    expect(Buffer.byteLength(a.head!)).toBe(MAX_LINE_BYTES);
    expect(b).toMatchObject({ n: 2, text: '{"ok":1}' });
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const lines = await split(`[${deep},{"ok":1}]`, 65536);
    expect(lines.map((l) => [l.n, l.text === null])).toEqual([[1, true], [2, false]]);
  });
});

describe('POST /api/v1/events with a JSON array', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => s?.close());
  const post = (payload: string | Buffer, type = 'application/json') =>
    s.app.inject({ method: 'POST', url: '/api/v1/events', headers: { ...bearer(s.adminKey), 'content-type': type }, payload });

  test('a 5 MB element is rejected as too long and kept as its head; the others are stored', async () => {
    const ev = (id: string) => ({ ...JSON.parse(example[0]), id: `ja-${id}` });
    const huge = { ...ev('big'), pad: 'y'.repeat(5 * 1024 * 1024) };
    const r = await post(JSON.stringify([ev('a'), huge, ev('b')]));
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ accepted: 2, rejected: 1, errors: [{ line: 2, message: `line is longer than ${MAX_LINE_BYTES} bytes` }] });
    const dead = (await s.app.inject({ url: `/api/v1/rejected?request_id=${r.headers['x-request-id']}`, headers: bearer(s.adminKey) })).json();
    const row = (dead.items ?? dead.rejected ?? dead.rows)[0];
    expect(row.line).toBe(2);
    expect(Buffer.byteLength(row.raw)).toBeLessThanOrEqual(MAX_LINE_BYTES);
  });

  test('100,000 nesting levels are a rejected line, not a 500', async () => {
    const r = await post(`[${'['.repeat(100_000)}${']'.repeat(100_000)}]`);
    expect(r.statusCode).toBeLessThan(500);
    expect(r.json().rejected).toBe(1);
  });

  test('a byte-order mark before line 1 of NDJSON or JSON does not reject it', async () => {
    const withId = (id: string) => JSON.stringify({ ...JSON.parse(example[0]), id });
    const line = withId('bom-nd');
    const nd = await postNdjson(s.app, s.adminKey, '\ufeff' + line);
    expect(nd.json()).toMatchObject({ accepted: 1, rejected: 0 });
    const js = await post('\ufeff[' + withId('bom-js') + ']');
    expect(js.json()).toMatchObject({ accepted: 1, rejected: 0 });
  });
});
