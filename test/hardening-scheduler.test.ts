import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SchedulerOptions } from '../api/scheduler/scheduler.ts';
import { newRunId, saveRun, type RunRow } from '../sql/scheduler/runs.ts';
import { getSchedule } from '../sql/scheduler/schedules.ts';
import { clockFrom } from '../core/clock.ts';
import { processIdentity } from '../core/process.ts';
import { bearer, startServer, type TestServer, until } from './helpers.ts';

/**
 * Issue 15, item 4: what a dead process left is taken over at the next start (every run it
 * left running marked interrupted, its files removed, its due webhooks sent), while the
 * runs of live instances (this host's processes, or elsewhere with a fresh heartbeat) are
 * left alone. "Dead" is simulated as in test/export-schedules.test.ts: rows written with
 * the first app's owner, the app closed, a new one started on the same DATA_DIR.
 */

let s: TestServer;
let key: string;
const BASE = '/api/v1/accounts/demo';
// Loopback receivers only: the guard lets webhooks reach 127.0.0.1 here and nothing else internal.
// Per-second and per-minute crons make the tests' fires come quickly: no minimum interval here.
const ENV = { WEBHOOK_ALLOW: '127.0.0.1', SCHEDULE_MIN_INTERVAL_S: '0' };
const OPTS: SchedulerOptions = { baseUrl: 'http://reports.example.test', webhook: { backoffMs: [30, 60], timeoutMs: 3000 }, syncEveryMs: 3_600_000 };
const clock = clockFrom(Date.parse('2026-11-16T10:00:00+07:00'));

beforeAll(async () => {
  s = await startServer(ENV, { clock });
  key = await s.accountKey('demo');
});
afterAll(async () => s?.close());

async function restart(): Promise<void> {
  const dataDir = s.dataDir;
  await s.close();
  s = await startServer({ ...ENV, DATA_DIR: dataDir }, { clock });
  key = await s.accountKey('demo');
}

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  s.app.inject({ method, url: `${BASE}${url}`, headers: bearer(key), ...(payload ? { payload } : {}) });
const runsOf = async (scheduleId: string) => (await call('GET', `/exports?schedule_id=${scheduleId}&limit=500`)).json().runs as Array<Record<string, any>>;
const newSchedule = async (body: object = {}) => {
  const r = await call('POST', '/schedules', { report: 'rooms', cron: '0 0 1 1 *', period: 'last_month', ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
};


/** A run row as a process writes it when the run starts. */
const runningRow = (scheduleId: string, owner: string, over: Partial<RunRow> = {}): RunRow => ({
  ...{ account_id: 'demo', id: newRunId(), schedule_id: scheduleId, report: 'rooms', format: 'xlsx', trigger: 'manual', status: 'running', scheduled_for: null },
  ...{ period_from: 0, period_to: 1, tz: 'Asia/Jakarta', started_at: clock(), finished_at: null, rows: 0, bytes: 0, file: '', file_deleted_at: null },
  ...{ error: '', webhook_status: 'none', webhook_attempts: 0, webhook_error: '', owner, version: 0 },
  ...over,
});

/** An owner string like this app's, with other fields (another process, another host). */
const ownerLike = (over: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(s.app.ctx.scheduler.owner.id), ...over });
const heartbeat = (owner: string, agoS: number) =>
  s.db.command('INSERT INTO export_run_owners SELECT {o:String}, now64(3) - toIntervalSecond({ago:UInt32})', { o: owner, ago: agoS });

describe('runs a dead process left', () => {
  test('a manual run left running with its .part file is interrupted at start, the file removed; Run now and the catch-up work again', async () => {
    // a cron firing once a minute, 4 s from now; the server is "down" across that fire
    const fireAt = Math.ceil((clock() + 4000) / 1000) * 1000;
    const c = await newSchedule({ cron: `${new Date(fireAt).getUTCSeconds()} * * * * *` });
    const deadOwner = s.app.ctx.scheduler.owner.id;
    const cut = runningRow(c.id, deadOwner);
    await saveRun(s.db, cut);
    const dir = path.join(s.config.exportDir, 'demo');
    fs.mkdirSync(dir, { recursive: true });
    const part = path.join(dir, `${cut.id}-demo-rooms-2026-10-01-to-2026-10-31.xlsx.part`);
    fs.writeFileSync(part, 'PK half a zip');
    // while its app lives, the run is going: Run now is refused
    expect((await call('POST', `/schedules/${c.id}/run`)).statusCode).toBe(409);

    const dataDir = s.dataDir;
    await s.close(); // the process "dies": its app is gone, the row and the file stay
    await new Promise((r) => setTimeout(r, Math.max(0, fireAt - clock()) + 500));
    s = await startServer({ ...ENV, DATA_DIR: dataDir }, { clock });
    key = await s.accountKey('demo');

    // at start, before any scheduler: the app took over what its predecessor left
    const after = (await runsOf(c.id)).find((r) => r.id === cut.id)!;
    expect(after).toMatchObject({ status: 'interrupted', error: 'the server stopped during the run', file_available: false });
    expect(fs.existsSync(part)).toBe(false);

    // the missed fire is caught up (before, every fire and the catch-up were skipped)
    await s.app.ctx.scheduler.start(OPTS);
    const caught = await until('the catch-up run', async () => (await runsOf(c.id)).find((r) => r.trigger === 'catch_up' && r.status === 'succeeded'));
    expect(caught.scheduled_for).toBe(new Date(fireAt).toISOString());
    await s.app.ctx.scheduler.idle();
    const now = await call('POST', `/schedules/${c.id}/run`);
    expect(now.statusCode, now.body).toBe(202);
    await s.app.ctx.scheduler.idle();
    expect((await runsOf(c.id)).find((r) => r.id === now.json().id)).toMatchObject({ status: 'succeeded', trigger: 'manual' });
    await call('DELETE', `/schedules/${c.id}`);
  });

  test("a live instance's run is left alone (a live process on this host, or one elsewhere with a fresh heartbeat); a killed process's, a restarted container's and a stale one's are taken over", async () => {
    const parent = processIdentity(process.ppid).start;
    const liveHere = ownerLike({ pid: process.ppid, start: parent ?? '', app: 'other-app' });
    const elsewhere = { host: 'other-host/boot/ns', instance: 'other-host|/data', pid: 4242, start: '1' };
    const liveElsewhere = ownerLike({ ...elsewhere, app: 'fresh' });
    const staleElsewhere = ownerLike({ ...elsewhere, app: 'stale' });
    const noBeat = ownerLike({ ...elsewhere, host: 'third-host/boot/ns', instance: 'third-host|/data', app: 'never' });
    // this instance (host name and DATA_DIR) before a container restart: another PID namespace, its heartbeat still fresh
    const previousContainer = ownerLike({ host: `${JSON.parse(s.app.ctx.scheduler.owner.id).host}-old-ns`, pid: 1, start: '5', app: 'before-restart' });
    await heartbeat(previousContainer, 0);
    // a process of this host that was SIGKILLed
    const child = spawn('sleep', ['30']);
    const childStart = processIdentity(child.pid!).start;
    await new Promise((r) => child.once('exit', r).kill('SIGKILL'));
    const killedHere = ownerLike({ pid: child.pid, start: childStart ?? '', app: 'killed' });
    await heartbeat(liveElsewhere, 0);
    await heartbeat(staleElsewhere, 600); // 10 min ago: past the 90 s lease

    const cases = [
      { owner: liveHere, alive: true },
      { owner: liveElsewhere, alive: true },
      { owner: staleElsewhere, alive: false },
      { owner: noBeat, alive: false },
      { owner: killedHere, alive: false },
      { owner: previousContainer, alive: false },
    ];
    const rows: RunRow[] = [];
    for (const k of cases) {
      const sch = await newSchedule();
      rows.push(await saveRun(s.db, runningRow(sch.id, k.owner)));
    }
    await s.app.ctx.scheduler.recover(true);
    for (const [i, k] of cases.entries()) {
      const [r] = await runsOf(rows[i].schedule_id);
      expect(r.status, k.owner).toBe(k.alive ? 'running' : 'interrupted');
      expect((await call('POST', `/schedules/${rows[i].schedule_id}/run`)).statusCode).toBe(k.alive ? 409 : 202);
    }

    // Run now itself looks: a run marked running by a dead owner does not block it
    const sch = await newSchedule();
    const stuck = await saveRun(s.db, runningRow(sch.id, noBeat));
    expect((await call('POST', `/schedules/${sch.id}/run`)).statusCode).toBe(202);
    await s.app.ctx.scheduler.idle();
    expect((await runsOf(sch.id)).find((r) => r.id === stuck.id)!.status).toBe('interrupted');
  });
});

describe('webhooks a stop cut', () => {
  test('an export webhook whose retries a stop cut stays pending and is sent after the restart', async () => {
    // the receiver fails the first attempt and takes the next
    const got: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.writeHead(got.length === 1 ? 503 : 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      // a 10 s wait before the 2nd attempt: the stop comes during it
      await s.app.ctx.scheduler.stop();
      await s.app.ctx.scheduler.start({ ...OPTS, webhook: { backoffMs: [10_000, 10_000], timeoutMs: 3000 } });
      const c = await newSchedule({ webhook_url: url });
      const started = await call('POST', `/schedules/${c.id}/run`);
      expect(started.statusCode, started.body).toBe(202);
      await until('the first attempt', async () => got.length === 1);
      await until('the run to end', async () => (await runsOf(c.id))[0].status === 'succeeded');
      await s.app.ctx.scheduler.stop();
      expect((await runsOf(c.id))[0].webhook).toEqual({ status: 'pending', attempts: 1, error: 'failed' });

      await restart(); // no scheduler started: any instance resumes it
      const [run] = await until('the webhook to be delivered', async () => {
        const r = await runsOf(c.id);
        return r[0].webhook.status === 'delivered' && r;
      });
      expect(run.webhook).toEqual({ status: 'delivered', attempts: 2, error: null });
      expect(got).toHaveLength(2);
      const { headers, body } = got[1];
      const secret = (await getSchedule(s.db, 'demo', c.id))!.webhook_secret;
      expect(headers['webhook-signature']).toBe('sha256=' + crypto.createHmac('sha256', secret).update(`${headers['webhook-timestamp']}.${body}`).digest('hex'));
      expect(JSON.parse(body)).toMatchObject({ event: 'export.succeeded', attempt: 2, run: { id: started.json().id, status: 'succeeded' } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('a pending webhook left by a killed process is resumed once; one of a live owner is not', async () => {
    const got: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const dead = await newSchedule({ webhook_url: url });
      const live = await newSchedule({ webhook_url: url });
      const done = { status: 'succeeded', finished_at: clock(), webhook_status: 'pending' } as const;
      const deadRun = await saveRun(s.db, runningRow(dead.id, s.app.ctx.scheduler.owner.id, done));
      const liveOwner = ownerLike({ host: 'other-host/boot/ns', instance: 'other-host|/data', app: 'busy' });
      await heartbeat(liveOwner, 0);
      const liveRun = await saveRun(s.db, runningRow(live.id, liveOwner, done));
      await restart();
      await s.app.ctx.scheduler.recover(); // a second look (the scheduler's sync) claims nothing twice
      await until('the resumed webhook', async () => (await runsOf(dead.id))[0].webhook.status === 'delivered');
      await s.app.ctx.scheduler.idle();
      expect(got.map((b) => JSON.parse(b).run.id)).toEqual([deadRun.id]);
      expect((await runsOf(dead.id))[0].webhook).toEqual({ status: 'delivered', attempts: 1, error: null });
      expect((await runsOf(live.id))[0]).toMatchObject({ id: liveRun.id, webhook: { status: 'pending' } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
