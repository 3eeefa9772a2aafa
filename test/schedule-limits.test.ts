import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clockFrom } from '../core/clock.ts';
import { bearer, startServer, type TestServer, until } from './helpers.ts';

/**
 * Issue 15, item 6: an account key cannot make a per-second schedule, nor more schedules
 * than SCHEDULES_PER_ACCOUNT, and its scheduled files stay within EXPORT_BYTES_PER_ACCOUNT
 * (the oldest go first, the newest always stays). Regression test: before, one key made
 * 26 runs and 104 MB in 30 s.
 */

let s: TestServer;
let key: string;
const BASE = '/api/v1/accounts/demo';
const clock = clockFrom(Date.parse('2026-11-16T10:00:00+07:00'));

beforeAll(async () => {
  // The default minimum interval (300 s); two schedules at most; 1 byte of files: only the newest file stays.
  s = await startServer({ SCHEDULES_PER_ACCOUNT: '2', EXPORT_BYTES_PER_ACCOUNT: '1' }, { clock });
  key = await s.accountKey('demo');
});
afterAll(async () => s?.close());

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  s.app.inject({ method, url: `${BASE}${url}`, headers: bearer(key), ...(payload ? { payload } : {}) });


describe('schedule limits', () => {
  test('a cron firing more often than every 300 s is refused, naming cron and the gap; every 5 minutes is allowed', async () => {
    for (const cron of ['* * * * * *', '*/30 * * * * *', '*/4 * * * *', '0,1 7 * * *']) {
      const r = await call('POST', '/schedules', { report: 'rooms', cron, period: 'yesterday' });
      expect(r.statusCode, cron).toBe(400);
      expect(r.json().error.field).toBe('cron');
      expect(r.json().error.message).toMatch(/at least 300 s between fires/);
    }
    const ok = await call('POST', '/schedules', { report: 'rooms', cron: '*/5 * * * *', period: 'yesterday' });
    expect(ok.statusCode, ok.body).toBe(201);
    // A change of timing is held to the same rule; other changes of the schedule are not.
    const p = await call('PATCH', `/schedules/${ok.json().id}`, { cron: '* * * * *' });
    expect(p.statusCode).toBe(400);
    expect((await call('PATCH', `/schedules/${ok.json().id}`, { enabled: false })).statusCode).toBe(200);
  });

  test('past SCHEDULES_PER_ACCOUNT a new schedule gets 409 too_many_schedules', async () => {
    expect((await call('POST', '/schedules', { report: 'csat', cron: '0 7 * * 1', period: 'last_week' })).statusCode).toBe(201);
    const r = await call('POST', '/schedules', { report: 'overview', cron: '0 7 * * 1', period: 'last_week' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('too_many_schedules');
    expect((await call('GET', '/schedules')).json().schedules).toHaveLength(2);
  });

  test('past EXPORT_BYTES_PER_ACCOUNT the oldest files are deleted after a run; the newest stays', async () => {
    const id = (await call('GET', '/schedules')).json().schedules[0].id as string;
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await call('POST', `/schedules/${id}/run`);
      expect(started.statusCode, started.body).toBeLessThan(300);
      runs.push(started.json().id);
      await until('the run to end', async () => {
        const list = (await call('GET', `/exports?schedule_id=${id}&limit=50`)).json().runs as Array<{ id: string; status: string }>;
        return list.find((r) => r.id === runs[i])?.status === 'succeeded';
      });
    }
    const list = (await call('GET', `/exports?schedule_id=${id}&limit=50`)).json().runs as Array<{ id: string; file_available: boolean; bytes: number }>;
    const byId = new Map(list.map((r) => [r.id, r]));
    expect(runs.map((r) => byId.get(r)!.file_available)).toEqual([false, false, true]);
    expect(byId.get(runs[2])!.bytes).toBeGreaterThan(1);
    // Exactly one file left on disk for the account.
    const dir = path.join(s.dataDir, 'exports', 'demo');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.xlsx'))).toHaveLength(1);
  });
});
