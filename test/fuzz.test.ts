import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXAMPLE_NDJSON, bearer, startServer, type TestServer } from './helpers.ts';

// Hostile input at the ingestion endpoint and at every query parameter of every GET
// route (taken from the server's route table and OpenAPI schemas): no 5xx, no hang, every
// line accounted for, and SQL probes either rejected or taken as data (a canary table survives).
let s: TestServer;
const example = fs.readFileSync(EXAMPLE_NDJSON, 'utf8').trim().split('\n');

/** mulberry32: the same seed gives the same 10,000 requests on every run. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261125);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
const int = (n: number) => Math.floor(rand() * n);

const SQL_PROBES = [
  "' OR 1=1 --",
  "demo'; DROP TABLE canary; --",
  "demo') UNION SELECT key_id, hash FROM api_keys --",
  '1; TRUNCATE TABLE canary',
  '{account:String}',
  "\\'; DROP TABLE canary; --",
  "`canary`",
  "demo\u0000' OR '1'='1",
];
const ODD = ['\ud800', '\udfff', '\u202e', '\u200b', '💥', '\u0000', 'é'.normalize('NFD'), '\uffff', 'a'.repeat(70_000), ''];
const HUGE_NUMBERS = ['1e309', '-1e309', '123456789012345678901234567890', '-0', '0.1e-400', '9007199254740993', '1E2', '5.0'];

function mutateValue(): unknown {
  switch (int(8)) {
    case 0: return pick(SQL_PROBES);
    case 1: return pick(ODD);
    case 2: return null;
    case 3: return [pick(ODD)];
    case 4: return { __proto__: { polluted: true } };
    case 5: return int(10) - 5;
    case 6: return rand() < 0.5;
    default: return 'x'.repeat(int(3000));
  }
}

/** One hostile NDJSON body. */
function hostileBody(): string {
  const lines: string[] = [];
  const n = 1 + int(6);
  for (let i = 0; i < n; i++) {
    const base = JSON.parse(pick(example));
    base.id = `fz-${int(1e9)}`;
    base.account_id = 'fuzz';
    switch (int(12)) {
      case 0: lines.push(Array.from({ length: 1 + int(200) }, () => String.fromCharCode(int(65536))).join('')); break;
      case 1: { const l = JSON.stringify(base); lines.push(l.slice(0, int(l.length))); break; }
      case 2: lines.push(JSON.stringify(base) + JSON.stringify(base)); break;
      case 3: lines.push(JSON.stringify(base).replace(/\d+/, pick(HUGE_NUMBERS))); break;
      case 4: lines.push('['.repeat(5000 + int(50_000)) + ']'.repeat(int(3))); break;
      case 5: lines.push(`{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}, ${JSON.stringify(base).slice(1)}`); break;
      case 6: { const k = pick(Object.keys(base)); base[k] = mutateValue(); lines.push(JSON.stringify(base)); break; }
      case 7: { delete base[pick(Object.keys(base))]; lines.push(JSON.stringify(base)); break; }
      case 8: base.comment = pick(ODD) + pick(SQL_PROBES); base.room_id = pick(SQL_PROBES); lines.push(JSON.stringify(base)); break;
      case 9: lines.push(JSON.stringify(base).replace('"id"', '"id":"dup-key","id"')); break;
      case 10: lines.push(''); break;
      default: lines.push(JSON.stringify(base));
    }
  }
  return lines.join(pick(['\n', '\r\n', '\n\n']));
}

beforeAll(async () => {
  s = await startServer();
  await s.db.command('CREATE TABLE canary (x UInt8) ENGINE = MergeTree ORDER BY x');
  await s.db.command('INSERT INTO canary VALUES (1), (2), (3)');
});
afterAll(async () => s?.close());

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`hang: ${what}`)), ms))]);

describe('fuzz', () => {
  test('6,000 hostile ingestion requests: no 5xx, every line accounted for', async () => {
    const problems: string[] = [];
    // Bodies are drawn up front from the seeded generator, then sent 4 at a time.
    const cases = Array.from({ length: Number(process.env.FUZZ_N ?? 6000) }, () => {
      const body = hostileBody();
      const json = rand() < 0.1;
      return { body, json, payload: json ? `[${body.split('\n').join(',')}]` : body };
    });
    const one = async ({ body, json, payload }: (typeof cases)[number]) => {
      const r = await withTimeout(
        s.app.inject({ method: 'POST', url: '/api/v1/events', headers: { ...bearer(s.adminKey), 'content-type': json ? 'application/json' : 'application/x-ndjson' }, payload }),
        30_000,
        payload.slice(0, 100),
      );
      if (r.statusCode >= 500) problems.push(`${r.statusCode} ${r.body.slice(0, 200)} for ${JSON.stringify(payload.slice(0, 200))}`);
      if (!json && (r.statusCode === 200 || r.json().error?.code === 'nothing_parseable')) {
        const j = r.json();
        const lines = body.split('\n').filter((l) => l.replace(/\r$/, '').trim() !== '').length;
        if (j.accepted + j.duplicates + j.rejected !== lines) problems.push(`counted ${j.accepted}+${j.duplicates}+${j.rejected} of ${lines} lines`);
      }
    };
    for (let i = 0; i < cases.length && problems.length <= 5; i += 4) await Promise.all(cases.slice(i, i + 4).map(one));
    expect(problems).toEqual([]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  }, 600_000);

  test('4,000 hostile query strings over every GET route: no 5xx, no hang', async () => {
    const doc = (await s.app.inject({ url: '/openapi.json' })).json();
    const routes = s.app.routeTable.filter((r) => r.method === 'GET' && r.url.startsWith('/api/v1/'));
    const problems: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const r = pick(routes);
      const openapiPath = r.url.replace(/:(\w+)/g, '{$1}');
      const declared: string[] = (doc.paths[openapiPath]?.get?.parameters ?? []).filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name);
      const names = declared.length ? declared : ['from', 'to', 'month'];
      const qs = new URLSearchParams();
      for (const name of names) if (rand() < 0.7) qs.append(name, String(rand() < 0.5 ? pick(SQL_PROBES) : mutateValue()));
      if (rand() < 0.2) qs.append(pick(names), pick(SQL_PROBES));
      const account = rand() < 0.8 ? 'fuzz' : pick(SQL_PROBES);
      const url = r.url.replace(':account', encodeURIComponent(account)).replace(/:(\w+)/g, () => encodeURIComponent(pick(SQL_PROBES)));
      const res = await withTimeout(s.app.inject({ url: `${url}?${qs}`, headers: bearer(s.adminKey) }), 30_000, url);
      if (res.statusCode >= 500) problems.push(`${res.statusCode} GET ${url}?${qs} → ${res.body.slice(0, 300)}`);
      if (problems.length > 5) break;
    }
    expect(problems).toEqual([]);
  }, 600_000);

  test('the canary table and the keys survived every probe', async () => {
    expect(await s.db.query('SELECT x FROM canary ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
    expect((await s.app.inject({ url: '/api/v1/keys', headers: bearer(s.adminKey) })).statusCode).toBe(200);
  });
});
