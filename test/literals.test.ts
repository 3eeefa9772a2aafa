import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { openDb, type Db } from '../sql/db.ts';
import { inlineParams, LiteralError } from '../sql/literals.ts';

// One real embedded chDB: the same value goes in once as a bound parameter (db.write, which
// binds query_params) and once inlined by sql/literals.ts; ClickHouse must answer the same.
let db: Db;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-analytics-literals-'));
  db = await openDb(loadConfig({ DATA_DIR: dir, DEMO: '0' }), { readers: 2 });
});
afterAll(async () => {
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rows = async (query: string, params?: Record<string, unknown>) =>
  (await (await db.write.query({ query, query_params: params, format: 'JSONEachRow' })).json()) as Array<Record<string, unknown>>;

/** The value and its type, selected through a bound parameter and through the literal. */
async function both(type: string, v: unknown) {
  const sql = `SELECT {v:${type}} AS v, toTypeName({v:${type}}) AS t`;
  const bound = await rows(sql, { v });
  const inlined = await rows(inlineParams(sql, { v }));
  return { bound, inlined };
}

const STRINGS = [
  '',
  'plain',
  "'",
  "''",
  '\\',
  "\\'",
  "a\\'b",
  '"double" `back`',
  'line\nbreak\r\n\ttab',
  'nul\0byte',
  '\b\f\v',
  'é ü ß — 中文',
  '😀 👩‍👩‍👧 emoji (surrogate pairs)',
  "'); DROP TABLE victim; --",
  '{other:String}',
  '{{fragment}}',
  '$$heredoc$$',
  '/* comment */ -- comment',
  'x'.repeat(10_000),
];

const CASES: Array<[string, unknown[]]> = [
  ['String', STRINGS],
  ['Int8', [0, -128, 127]],
  ['Int64', [0, -1, 42, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, '9223372036854775807', 9223372036854775807n, -9223372036854775808n]],
  ['UInt8', [0, 1, 255]],
  ['UInt16', [0, 65535]],
  ['UInt32', [0, 4294967295]],
  ['UInt64', [0, Number.MAX_SAFE_INTEGER, '18446744073709551615', 18446744073709551615n]],
  ['Float64', [0, -1.5, 1e-300, 123456.789]],
  ['Date', ['2026-03-01', '1970-01-01', '2149-06-06']],
  ["DateTime64(3, 'UTC')", ['2026-01-02 03:04:05.678', '1970-01-01 00:00:00.000', '2026-12-31 23:59:59.999', '2026-01-02 03:04:05']],
  ['Array(String)', [[], [''], STRINGS]],
  ['Array(Int64)', [[], [0, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]]],
  ['Array(UInt8)', [[], [0, 6, 255]]],
  ['Array(UInt16)', [[], [0, 65535]]],
  ['Array(UInt32)', [[], [0, 4294967295]]],
  ['Array(UInt64)', [[], [0, Number.MAX_SAFE_INTEGER]]],
  ['Array(Date)', [[], ['2026-01-01', '2026-02-01']]],
  ['Nullable(String)', [null, '', "it's"]],
  ['Nullable(Int64)', [null, -7]],
];

describe('a literal is the bound parameter', () => {
  for (const [type, values] of CASES) {
    it(type, async () => {
      for (const v of values) {
        const { bound, inlined } = await both(type, v);
        expect(inlined, `${type} ${JSON.stringify(String(v)).slice(0, 60)}`).toEqual(bound);
      }
    });
  }

  it('Tuple (chDB binds no JS value as a tuple, so against the expected answer)', async () => {
    expect(await rows(inlineParams('SELECT {v:Tuple(String, UInt8)} AS v, toTypeName(v) AS t', { v: ["a'b", 3] }))).toEqual([{ v: ["a'b", 3], t: 'Tuple(String, UInt8)' }]);
    const [named] = await rows(inlineParams('SELECT {v:Tuple(a String, b Array(Int64))} AS v, toTypeName(v) AS t', { v: ['', [-1]] }));
    expect(named.v).toEqual({ a: '', b: [-1] });
    expect(String(named.t).replace(/\s+/g, '')).toBe('Tuple(aString,bArray(Int64))');
  });

  it('a lone surrogate (not UTF-16) turns into U+FFFD both ways', async () => {
    for (const v of ['\uD800', 'a\uDFFFb']) {
      const { bound, inlined } = await both('String', v);
      expect(inlined).toEqual(bound);
      expect(inlined[0].v).toBe(v.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
    }
  });

  it('a query too long for max_query_size once inlined stays bound, through db.query', async () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `id-${i}'\\`);
    expect(inlineParams('SELECT {ids:Array(String)}', { ids }).length).toBeGreaterThan(262_144);
    const [r] = await db.query<{ n: string; last: string }>('SELECT length({ids:Array(String)}) AS n, {ids:Array(String)}[-1] AS last', { ids });
    expect({ n: Number(r.n), last: r.last }).toEqual({ n: 20_000, last: ids.at(-1) });
    // Why: inlined, ClickHouse refuses it.
    await expect(rows(inlineParams('SELECT length({ids:Array(String)}) AS n', { ids }))).rejects.toThrow(/Max query size exceeded|max_query_size/i);
  });

  it('strings come back verbatim', async () => {
    for (const s of STRINGS) {
      const [r] = await rows(inlineParams('SELECT {v:String} AS v, length({v:String}) AS n', { v: s }));
      expect(r.v).toBe(s);
      expect(Number(r.n)).toBe(Buffer.byteLength(s));
    }
  });

  it('every placeholder type the project uses is accepted', async () => {
    const used = new Set<string>();
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(sql|ts)$/.test(e.name)) for (const m of fs.readFileSync(p, 'utf8').matchAll(/\{[a-z_0-9]+:([A-Z][A-Za-z0-9]*(?:\([^{}]*?\))?)\}/g)) used.add(m[1]);
    // The one {name:Type} of a doc comment.
    used.delete('Type');
      }
    };
    for (const d of ['sql', 'api', 'ingest']) walk(path.resolve(import.meta.dirname, '..', d));
    expect(used.size).toBeGreaterThan(10);
    const sample: Record<string, unknown> = { String: 'x', Date: '2026-01-01', "DateTime64(3, 'UTC')": '2026-01-01 00:00:00.000' };
    for (const type of used) {
      const v = type.startsWith('Array(') ? [] : (sample[type] ?? 1);
      const { bound, inlined } = await both(type, v);
      expect(inlined, type).toEqual(bound);
    }
  });
});

describe('hostile values stay values', () => {
  it('an injection attempt is selected as text and nothing else runs', async () => {
    await db.command('CREATE TABLE IF NOT EXISTS victim (x UInt8) ENGINE = MergeTree ORDER BY x');
    await db.command('INSERT INTO victim VALUES (1)');
    const hostile = ["'); DROP TABLE victim; --", '{other:String}', "\\'", "\\'); DROP TABLE victim; --", "' OR 1=1 --"];
    for (const h of hostile) {
      // db.query inlines in embedded mode: the same path the API takes.
      const [r] = await db.query<{ v: string; other: string }>('SELECT {v:String} AS v, {other:String} AS other', { v: h, other: 'o' });
      expect(r).toEqual({ v: h, other: 'o' });
      const [c] = await db.query<{ n: string }>('SELECT count() AS n FROM victim WHERE toString(x) != {v:String}', { v: h });
      expect(Number(c.n)).toBe(1);
    }
    const [t] = await db.query<{ n: string }>("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'victim'");
    expect(Number(t.n)).toBe(1);
  });

  it('placeholders in string literals, quoted names and comments are not placeholders', async () => {
    const sql = "SELECT '{v:String}' AS lit, {v:String} AS v, 1 AS `{v:String}` -- {v:String}\n /* {v:String} /* nested */ {v:String} */";
    const inlined = inlineParams(sql, { v: 'x' });
    expect(inlined).toBe(
      "SELECT '{v:String}' AS lit, unhex('78') AS v, 1 AS `{v:String}` -- {v:String}\n /* {v:String} /* nested */ {v:String} */",
    );
    expect(await rows(inlined)).toEqual(await rows(sql, { v: 'x' }));
    expect(inlineParams("SELECT 'it''s {v:UInt8}', 'a\\'{v:UInt8}', {v:UInt8}", { v: 2 })).toBe("SELECT 'it''s {v:UInt8}', 'a\\'{v:UInt8}', CAST(2 AS UInt8)");
  });

  it('double-brace fragments and other braces are left alone', () => {
    expect(inlineParams('SELECT {{fragment}} + {n:UInt32}', { n: 1 })).toBe('SELECT {{fragment}} + CAST(1 AS UInt32)');
    expect(inlineParams("SELECT map('a', 1) = {'a': 1}", {})).toBe("SELECT map('a', 1) = {'a': 1}");
  });

  it('types with quotes and commas parse, and are written from the parse', () => {
    expect(inlineParams("{t:DateTime64(3,'UTC')} {t: DateTime64( 3 , 'UTC' ) }", { t: '2026-01-01 00:00:00.000' })).toBe(
      "CAST(unhex('323032362d30312d30312030303a30303a30302e303030') AS DateTime64(3, 'UTC')) CAST(unhex('323032362d30312d30312030303a30303a30302e303030') AS DateTime64(3, 'UTC'))",
    );
  });
});

describe('what cannot be a literal throws', () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ['SELECT {v:Map(String, String)}', { v: {} }],
    ['SELECT {v:Str}', { v: 'x' }],
    ['SELECT {v:Identifier}', { v: 'events' }],
    ['SELECT {v:String) UNION SELECT 1 --}', { v: 'x' }],
    ["SELECT {v:DateTime64(3, 'UTC'') || ''')}", { v: 'x' }],
    ['SELECT {v:Array(String}', { v: [] }],
    ['SELECT {v:String', { v: 'x' }],
    ['SELECT {v:String}', {}],
    ['SELECT {v:String}', { w: 'x' }],
    ['SELECT {v:String}', { v: null }],
    ['SELECT {v:String}', { v: { toString: () => "'" } }],
    ['SELECT {v:Int64}', { v: 1.5 }],
    ['SELECT {v:Int64}', { v: 2 ** 60 }],
    ['SELECT {v:Int64}', { v: '1; DROP TABLE victim' }],
    ['SELECT {v:Int64}', { v: '9223372036854775808' }],
    ['SELECT {v:UInt8}', { v: 256 }],
    ['SELECT {v:UInt8}', { v: -1 }],
    ['SELECT {v:UInt8}', { v: true }],
    ['SELECT {v:Float64}', { v: Number.NaN }],
    ['SELECT {v:Float64}', { v: Infinity }],
    ['SELECT {v:Date}', { v: 20260101 }],
    ['SELECT {v:Array(String)}', { v: 'x' }],
    ['SELECT {v:Array(UInt8)}', { v: [1, 300] }],
  ];
  for (const [sql, params] of bad) {
    it(`${sql} ${JSON.stringify(params, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`, () => {
      expect(() => inlineParams(sql, params)).toThrow(LiteralError);
    });
  }

  it('db.query refuses it before reaching the store', async () => {
    await expect(db.query('SELECT {v:Int64} AS v', { v: 'x' })).rejects.toThrow(LiteralError);
  });
});
