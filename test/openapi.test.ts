import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EVENT_TYPES } from '../core/contract.ts';
import { EVENT_SCHEMA_NAMES } from '../api/routes/openapi-schemas.ts';
import { bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * /openapi.json as an integrator gets it: valid for an independent validator, with named
 * schemas, every operation's answers, error shapes that match the real ones, and
 * TypeScript types generated from it that type-check real use (and reject wrong use).
 */

const TSC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'typescript', 'bin', 'tsc');
const run = promisify(execFile);

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

let s: TestServer;
let doc: Doc;
let tmp: string;

beforeAll(async () => {
  s = await startServer();
  const r = await s.app.inject({ url: '/openapi.json' });
  expect(r.statusCode).toBe(200);
  doc = r.json();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-analytics-openapi-'));
});
afterAll(async () => {
  await s?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the document', () => {
  test('is valid OpenAPI 3.1 for @apidevtools/swagger-parser', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    // The validator does not look inside 3.1 Schema Objects: check them against JSON Schema 2020-12.
    const meta = new Ajv2020({ strict: false });
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(meta.validateSchema(schema) ? [] : meta.errors, name).toEqual([]);
    }
  });

  test('names its reusable schemas', () => {
    const names = Object.keys(doc.components.schemas);
    const eventNames = EVENT_TYPES.map((t) => EVENT_SCHEMA_NAMES[t]);
    expect(names).toEqual(expect.arrayContaining(['Event', ...eventNames, 'Error', 'Summary', 'Usage', 'Balance', 'IngestResult', 'Settings', 'Schedule', 'Run']));
    expect(names.filter((n) => /^def-\d+$/.test(n))).toEqual([]);
    // Event is the union of the event types; each one is its own component, selected by `type`.
    const members = (doc.components.schemas.Event.anyOf as Array<{ $ref: string }>).map((m) => m.$ref);
    expect(members).toEqual(eventNames.map((n) => `#/components/schemas/${n}`));
    for (const t of EVENT_TYPES) {
      const props = doc.components.schemas[EVENT_SCHEMA_NAMES[t]].properties as Record<string, { enum?: unknown[] }>;
      expect(props.type.enum, t).toEqual([t]);
    }
    // One error shape, referenced everywhere.
    expect(JSON.stringify(doc.components.schemas)).not.toContain('"BillingError"');
    expect(doc.paths['/api/v1/accounts/{account}/billing/usage'].get.responses['400'].content!['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
  });

  test('every operation has a 2xx and a 4xx answer, and every API route is documented', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).map(([m, op]) => ({ id: `${m.toUpperCase()} ${p}`, codes: Object.keys(op.responses) })));
    expect(ops.length).toBeGreaterThan(30);
    for (const op of ops) {
      expect(op.codes.some((c) => /^2\d\d$/.test(c)), `${op.id}: ${op.codes}`).toBe(true);
      expect(op.codes.some((c) => /^4\d\d$/.test(c)), `${op.id}: ${op.codes}`).toBe(true);
    }
    const documented = new Set(ops.map((o) => o.id));
    const routes = s.app.routeTable.filter((r) => r.url.startsWith('/api/') || r.url === '/health').map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
    // Key-checked operations document 401.
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(item) as Array<[string, { security?: unknown[]; responses: object }]>) {
        if (op.security?.length === 0) continue;
        expect(Object.keys(op.responses), `${m} ${p}`).toContain('401');
      }
    }
  });

  test('the downloads document their file types', () => {
    const content = doc.paths['/api/v1/accounts/{account}/exports/{name}'].get.responses['200'].content!;
    expect(Object.keys(content)).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv']);
  });
});

describe('the documented shapes are the real ones', () => {
  let schemas: Doc['components']['schemas'];
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  const check = (name: string, body: unknown) => {
    const validate = ajv.compile(schemas[name]);
    expect(validate(body) ? [] : validate.errors, `${name}: ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
  };

  beforeAll(async () => {
    schemas = ((await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as Doc).components.schemas;
    const line = { id: 'o1', account_id: 'oa', type: 'room.opened', occurred_at: '2026-10-01T09:00:00+07:00', room_id: 'r1', channel: 'whatsapp', contact_id: '628', origin: 'inbound' };
    expect((await postNdjson(s.app, s.adminKey, JSON.stringify(line) + '\n')).statusCode).toBe(200);
  });

  test('Error: what the error handler sends, for every kind of failure', async () => {
    const account = await s.accountKey('oa');
    const answers = await Promise.all([
      s.app.inject({ url: '/api/v1/accounts/oa/metrics/summary?from=nope', headers: bearer(account) }), // 400 from the handler, with field
      s.app.inject({ url: '/api/v1/accounts/oa/rooms?limit=0', headers: bearer(account) }), // 400 from the schema
      s.app.inject({ url: '/api/v1/accounts/oa/billing/usage' }), // 401
      s.app.inject({ url: '/api/v1/accounts/other/billing/usage', headers: bearer(account) }), // 403
      s.app.inject({ url: '/api/v1/accounts/oa/schedules/nope', headers: bearer(account) }), // 404
      s.app.inject({ method: 'PUT', url: '/api/v1/accounts/oa/settings', headers: { ...bearer(account), 'content-type': 'text/xml' }, payload: '<a/>' }), // 415
      postNdjson(s.app, account, ''), // 400 of POST /events
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([400, 400, 401, 403, 404, 415, 400]);
    for (const r of answers) check('Error', r.json());
    expect(answers[0].json().error.field).toBe('from');
    const unparseable = await postNdjson(s.app, account, '{nope\n');
    expect(unparseable.statusCode).toBe(400);
    expect(unparseable.json()).toMatchObject({ error: { code: 'nothing_parseable' }, rejected: 1 });
    check('IngestFailure', unparseable.json());
  });

  test('Summary, Usage, Balance, Event: the answers and the events match them', async () => {
    const get = async (url: string) => {
      const r = await s.app.inject({ url: `/api/v1/accounts/oa${url}`, headers: bearer(s.adminKey) });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    check('Summary', await get('/metrics/summary?from=2026-10-01&to=2026-10-02'));
    check('Usage', await get('/billing/usage?month=2026-10'));
    check('Balance', await get('/billing/balance?at=2026-10-20T00:00:00Z'));
    check('Event', { id: 'm1', account_id: 'oa', type: 'message', occurred_at: '2026-10-01T09:01:00+07:00', room_id: 'r1', channel: 'whatsapp', contact_id: '628', direction: 'inbound' });
    expect(ajv.compile(schemas.Event)({ id: 'm1', account_id: 'oa', type: 'csat.submitted', occurred_at: '2026-10-01T09:01:00Z', room_id: 'r1', score: 9 })).toBe(false);
  });
});

describe('TypeScript types generated with openapi-typescript', () => {
  // Good use of the types; every line of BAD must fail on its own.
  const GOOD = `
type S = components['schemas'];
declare const summary: S['Summary'];
declare const usage: S['Usage'];
declare const balance: S['Balance'];
const totalChats: number = summary.total_chats;
const p90: number | null = summary.response_time.p90_s;
const csatPct: number | null = summary.previous.csat.csat_pct;
const charges: number = usage.charges.total;
const visitors: number = usage.muv.count;
const currency: 'IDR' = balance.currency;
const zeroOn: string | null = balance.projection.zero_on;
const event: S['Event'] = { id: 'e1', account_id: 'acme', type: 'csat.submitted', occurred_at: '2026-11-02T09:15:00+07:00', room_id: 'r1', score: 5 };
const direction = (e: S['Event']): string => (e.type === 'message' ? e.direction : e.type);
const usageAnswer: S['Usage'] = {} as paths['/api/v1/accounts/{account}/billing/usage']['get']['responses'][200]['content']['application/json'];
const problem: S['Error'] = { error: { code: 'invalid_parameter', message: 'from: is required', field: 'from' } };
export const used = [totalChats, p90, csatPct, charges, visitors, currency, zeroOn, event, direction, usageAnswer, problem];
`;
  const BAD = [
    "const a: string = summary.total_chats;",
    "const b: number = balance.projection.zero_on;",
    "const c: 'USD' = balance.currency;",
    "const d = usage.mcc.no_such_field;",
    "const e: S['Event'] = { id: 'e1', account_id: 'acme', type: 'csat.submitted', occurred_at: 'x', room_id: 'r1', score: 'five' };",
    "const f: S['Event'] = { id: 'e1', account_id: 'acme', type: 'no.such.type', occurred_at: 'x' };",
    "const g: S['Error'] = { error: { message: 'no code' } };",
  ];
  let generated: string;

  beforeAll(async () => {
    generated = astToString(await openapiTS(structuredClone(doc) as never));
    fs.writeFileSync(path.join(tmp, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', types: [], skipLibCheck: true, noUnusedLocals: false }, files: ['check.ts'] }));
  }, 60_000);

  const typecheck = async (body: string) => {
    fs.writeFileSync(path.join(tmp, 'check.ts'), `${generated}\n${body}\n`);
    try {
      await run(process.execPath, [TSC, '-p', path.join(tmp, 'tsconfig.json')], { timeout: 60_000 });
      return { ok: true, out: '' };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  };

  test('has the named schemas', () => {
    for (const name of ['Event', 'MessageEvent', 'PlanChangedEvent', 'Error', 'Summary', 'Usage', 'Balance']) expect(generated).toMatch(new RegExp(`\\b${name}: \\{|\\b${name}:`));
  });

  test('type-check real use', async () => {
    const r = await typecheck(GOOD);
    expect(r.out).toBe('');
    expect(r.ok).toBe(true);
  }, 120_000);

  test('and reject wrong use, line by line', async () => {
    const lines = `${GOOD}\n${BAD.join('\n')}`;
    const r = await typecheck(lines);
    expect(r.ok).toBe(false);
    const first = generated.split('\n').length + 1 + GOOD.split('\n').length;
    const failing = new Set([...r.out.matchAll(/check\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]) - first));
    expect(BAD.filter((_, i) => !failing.has(i)), r.out).toEqual([]);
    expect([...failing].filter((i) => i < 0 || i >= BAD.length), r.out).toEqual([]);
  }, 120_000);
});
