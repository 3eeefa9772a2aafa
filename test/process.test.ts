import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Readable } from 'node:stream';
import { BENCH_ADMIN_KEY, ROOT, startServerProcess, type ServerProcess } from '../bench/util.ts';
import { importStream } from '../tools/importer.ts';
import { EXAMPLE_NDJSON } from './helpers.ts';

// The server as users run it: its own process, killed and restarted for real.
const run = promisify(execFile);
const tsx = (script: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-analytics-proc-'));
const port = 19_000 + (process.pid % 1000);
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ dataDir, port });
});
afterAll(async () => server?.stop());

const countDemo = async (url: string) => {
  const r = await fetch(`${url}/api/v1/accounts/demo/billing/usage?month=2026-10`, { headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } });
  return r.status;
};

describe('the server process', () => {
  test('the importer streams the worked example: 42 accepted, 2 duplicates; again: 44 duplicates; exit code 0', async () => {
    const env = { CHAT_API_URL: server.url, CHAT_API_KEY: BENCH_ADMIN_KEY };
    const first = await tsx('tools/import-cli.ts', [EXAMPLE_NDJSON], env);
    expect(first.stdout).toContain('accepted 42, duplicates 2, rejected 0');
    expect(first.code).toBe(0);
    const again = await tsx('tools/import-cli.ts', [EXAMPLE_NDJSON], env);
    expect(again.stdout).toContain('accepted 0, duplicates 44, rejected 0');
  });

  test('the importer exits non-zero and names the file line of a rejected event', async () => {
    const file = path.join(dataDir, 'mixed.ndjson');
    fs.writeFileSync(file, ['{"id":"i1","type":"room.assigned","account_id":"imp","occurred_at":"2026-10-01T00:00:00Z","room_id":"r","agent_id":"a"}', '', '{"id":"i2","type":"nope"}'].join('\n'));
    const r = await tsx('tools/import-cli.ts', [file, '--batch', '1'], { CHAT_API_URL: server.url, CHAT_API_KEY: BENCH_ADMIN_KEY });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('accepted 1, duplicates 0, rejected 1');
    expect(r.stdout).toContain('line 3 (id i2): type must be one of');
  });

  test('the importer cuts requests as bytes: chunks split mid-line, CRLF, blank lines, no final newline; line numbers are the file\'s', async () => {
    const ev = (id: string) => `{"id":"${id}","type":"room.assigned","account_id":"imp-bytes","occurred_at":"2026-10-01T00:00:00Z","room_id":"r-${id}","agent_id":"a"}`;
    // 8 lines, by hand: valid (1, 3, 5, 8), blank (2, 6), bad type (4), bad JSON (7); line 3 ends in CRLF, line 8 has no newline.
    const text = [ev('b1'), '', `${ev('b2')}\r`, '{"id":"b9","type":"nope"}', ev('b3'), '', '{', ev('b4')].join('\n');
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    // 3 lines a request: lines 1-3, 4-6 and 7-8.
    const t = await importStream(Readable.from(chunks), { url: server.url, key: BENCH_ADMIN_KEY, batchLines: 3 });
    expect({ lines: t.lines, accepted: t.accepted, rejected: t.rejected, duplicates: t.duplicates }).toEqual({ lines: 8, accepted: 4, rejected: 2, duplicates: 0 });
    expect(t.errors.map((e) => [e.line, e.id])).toEqual([
      [4, 'b9'],
      [7, null],
    ]);
  });

  test('a second process on the same data directory gets one clear sentence', async () => {
    const r = await tsx('api/main.ts', [], { DATA_DIR: dataDir, PORT: String(port + 1), DEMO: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(new RegExp(`^The data directory ${dataDir} is in use by process ${server.child.pid} \\(its server answers at ${server.url}\\)`));
    expect(r.stderr).not.toContain('    at ');
  });

  test('npm run key creates an account key through the running server', async () => {
    const r = await tsx('tools/key-cli.ts', ['create', '--account', 'ACME'], { CHAT_API_URL: server.url, CHAT_API_KEY: BENCH_ADMIN_KEY });
    expect(r.code).toBe(0);
    const key = JSON.parse(r.stdout).key as string;
    const own = await fetch(`${server.url}/api/v1/accounts/ACME/settings`, { headers: { authorization: `Bearer ${key}` } });
    expect(own.status).toBe(200);
    const other = await fetch(`${server.url}/api/v1/accounts/demo/settings`, { headers: { authorization: `Bearer ${key}` } });
    expect(other.status).toBe(403);
  });

  test('acknowledged events survive kill -9 right after the answer, and a restart', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ id: `k${i}`, type: 'csat.requested', account_id: 'crash', occurred_at: '2026-10-01T00:00:00Z', room_id: `r${i}` }),
    ).join('\n');
    const r = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${BENCH_ADMIN_KEY}` }, body: lines });
    expect((await r.json()).accepted).toBe(5000);
    server.child.kill('SIGKILL');
    await server.stop();
    server = await startServerProcess({ dataDir, port });
    // The same lines again: every one is found stored.
    const again = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${BENCH_ADMIN_KEY}` }, body: lines });
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 5000 });
    const ex = await tsx('tools/import-cli.ts', [EXAMPLE_NDJSON], { CHAT_API_URL: server.url, CHAT_API_KEY: BENCH_ADMIN_KEY });
    expect(ex.stdout).toContain('accepted 0, duplicates 44');
    expect(await countDemo(server.url)).toBeLessThan(500);
  });

  test('SIGTERM during an ingest: the request in flight is finished and acknowledged, then the server stops', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) =>
      JSON.stringify({ id: `t${i}`, type: 'csat.requested', account_id: 'term', occurred_at: '2026-10-01T00:00:00Z', room_id: `r${i}` }),
    ).join('\n');
    const pending = fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${BENCH_ADMIN_KEY}` }, body: lines });
    await new Promise((r) => setTimeout(r, 150));
    server.child.kill('SIGTERM');
    const res = await pending;
    expect(res.status).toBe(200);
    expect((await res.json()).accepted).toBe(60_000);
    await server.stop();
    expect(server.child.exitCode).toBe(0);
    server = await startServerProcess({ dataDir, port });
    const r = await fetch(`${server.url}/api/v1/admin/accounts/term/checksum`, { headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } });
    expect((await r.json()).events).toBe(60_000);
  });

  test('SIGTERM stops the server cleanly and frees the data directory', async () => {
    await server.stop('SIGTERM');
    expect(server.child.exitCode).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'server.lock'))).toBe(false);
    const m = await tsx('sql/migrate-cli.ts', [], { DATA_DIR: dataDir });
    expect(m.stdout).toContain('nothing to apply');
    server = await startServerProcess({ dataDir, port });
  });
});

describe('first start', () => {
  test('writes the admin key to DATA_DIR/admin.key with mode 0600 and prints it once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-analytics-first-'));
    const p = await startServerProcess({ dataDir: dir, port: port + 2, env: { ADMIN_API_KEY: '' } });
    await p.stop();
    const file = path.join(dir, 'admin.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(file, 'utf8').trim();
    expect(key).toMatch(/^cak_[0-9a-f]{12}_/);
    const again = await startServerProcess({ dataDir: dir, port: port + 2, env: { ADMIN_API_KEY: '' } });
    const r = await fetch(`${again.url}/api/v1/keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(r.status).toBe(200);
    await again.stop();
  });
});
